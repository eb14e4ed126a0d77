package webui

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// SplitURLCredentials removes the user and password from u and returns
// them; ok is false when u had none.
func SplitURLCredentials(u *url.URL) (user, pass string, ok bool) {
	if u.User == nil {
		return "", "", false
	}
	user = u.User.Username()
	pass, _ = u.User.Password()
	u.User = nil
	return user, pass, true
}

// userinfo matches the credentials of a URL in any text: "//user:pass@".
var userinfo = regexp.MustCompile(`//[^/?#\s"']*@`)

// RedactURL returns s with the credentials of every URL in it replaced by
// "***", so that "http://user:pass@host:7860" reads
// "http://***@host:7860". Text without credentials is returned as it is.
func RedactURL(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return userinfo.ReplaceAllString(s, "//***@")
}

// redactErr redacts the text of err (url.Parse quotes the URL it fails on).
func redactErr(err error) error {
	if err == nil {
		return nil
	}
	if msg := err.Error(); RedactURL(msg) != msg {
		return errors.New(RedactURL(msg))
	}
	return err
}
