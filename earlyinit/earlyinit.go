// Package earlyinit runs before Fyne's own package initialisation and
// works around a start-up message Fyne prints on systems whose locale is
// C.UTF-8 (the default of Debian and Ubuntu containers and of minimal
// installs):
//
//	Fyne error:  Error parsing user locale C
//
// github.com/jeandeaual/go-locale treats LANG=C and LANG=POSIX as "no
// locale", but not C.UTF-8 or POSIX.UTF-8; Fyne's lang package then fails to
// parse "C" as a language tag while it initialises, and logs the error on
// every start, the command-line tool's included.
//
// It is a module of its own, with a path that sorts before fyne.io: Go
// initialises packages in import-path order among those whose imports are
// ready (Go 1.21 and later), and this package imports only os, which Fyne's
// lang package needs too, so it always runs first. It sets LANGUAGE=en for
// those locales (only when LANGUAGE is unset). With a C locale, gettext
// ignores LANGUAGE, so child processes (a launched WebUI) are not changed.
package earlyinit

import "os"

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range [...]string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if isCLocale(v) {
			_ = os.Setenv("LANGUAGE", "en")
		}
		return
	}
}

// isCLocale reports whether v is the C or POSIX locale with a codeset or
// modifier ("C.UTF-8", "POSIX.utf8", "C.UTF-8@x"); plain "C" and "POSIX"
// are already handled by go-locale.
func isCLocale(v string) bool {
	base := v
	for i := 0; i < len(v); i++ {
		if v[i] == '.' || v[i] == '@' {
			base = v[:i]
			break
		}
	}
	return base != v && (base == "C" || base == "POSIX")
}
