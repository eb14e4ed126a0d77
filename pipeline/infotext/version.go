package infotext

import (
	"regexp"
	"strings"
)

// Software names recognised from the Version (and App) keys.
const (
	SoftwareA1111  = "A1111"
	SoftwareForge  = "Forge"
	SoftwareSDNext = "SD.Next"
)

// VersionInfo tells which WebUI wrote an infotext.
type VersionInfo struct {
	Raw      string // the Version value as written
	Software string // SoftwareA1111, SoftwareForge, SoftwareSDNext or "" when unknown
	WebUI    string // A1111 version ("1.10.1"), or SD.Next's commit
	Forge    string // Forge's own version ("2.0.1"), Forge only
}

var (
	reForgeVersion = regexp.MustCompile(`^f([0-9]+(?:\.[0-9]+)*)v([0-9]+(?:\.[0-9]+)*[0-9A-Za-z]*)`)
	reA1111Version = regexp.MustCompile(`^v([0-9]+(?:\.[0-9]+)+[0-9A-Za-z.\-]*)$`)
)

// Version identifies the WebUI: A1111 writes "v1.10.1", Forge
// "f2.0.1v1.10.1-previous-669-gdfdcbab6", SD.Next "App: SD.Next" with its
// git commit as the Version.
func (p *Parameters) Version() VersionInfo {
	v := VersionInfo{Raw: p.value(KeyVersion)}
	switch {
	case strings.EqualFold(p.value(KeyApp), "SD.Next"):
		v.Software, v.WebUI = SoftwareSDNext, v.Raw
	case reForgeVersion.MatchString(v.Raw):
		m := reForgeVersion.FindStringSubmatch(v.Raw)
		v.Software, v.Forge, v.WebUI = SoftwareForge, m[1], m[2]
	case reA1111Version.MatchString(v.Raw):
		v.Software, v.WebUI = SoftwareA1111, strings.TrimPrefix(v.Raw, "v")
	}
	return v
}
