package app

import (
	"fmt"
	"net/url"
	"strings"

	"stablenew/pipeline/webui"
)

// MoveURLCredentials moves credentials written into a WebUI URL
// ("http://user:pass@host:7860") into APIAuth, so that the URLs, which
// name the WebUIs in logs, errors, the queue and the history, hold no
// secret. It is an error when they differ from APIAuth or from each other:
// every WebUI gets the one API auth. Resource mappings name their WebUI
// without credentials too.
func (s *Settings) MoveURLCredentials() error {
	from := ""
	for i, raw := range s.WebUIURLs {
		clean, auth, ok := splitCredentials(raw)
		if !ok {
			continue
		}
		s.WebUIURLs[i] = clean
		switch {
		case s.APIAuth == "":
			s.APIAuth, from = auth, clean
		case s.APIAuth != auth && from != "":
			return fmt.Errorf("WebUI URLs %s and %s hold different credentials; StableNew sends one API auth to every WebUI", from, clean)
		case s.APIAuth != auth:
			return fmt.Errorf("WebUI URL %s holds credentials that differ from the API auth setting; keep one of them", clean)
		}
	}
	for i, m := range s.ResourceMappings {
		if clean, _, ok := splitCredentials(m.WebUI); ok {
			s.ResourceMappings[i].WebUI = clean
		}
	}
	return nil
}

// splitCredentials returns raw without its credentials and them as
// "user:password"; ok is false when raw holds none (or is no URL).
func splitCredentials(raw string) (clean, auth string, ok bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.User == nil {
		return raw, "", false
	}
	user, pass, _ := webui.SplitURLCredentials(u)
	return u.String(), user + ":" + pass, true
}
