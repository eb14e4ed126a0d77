package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection enforces the layering of docs/architecture.md with
// `go list`: gui → app → controller → pipeline/..., the WebUI client imports
// nothing of ours, pipeline never imports Fyne, app, controller or gui,
// controller and app never import Fyne, only main and gui import Fyne's
// app package, and gui never imports the WebUI client.
func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "ci", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "stablenew"
	pkgs := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, "|")
		pkgs++
		for _, imp := range strings.Fields(imports) {
			if reason := forbidden(mod, pkg, imp); reason != "" {
				t.Errorf("%s imports %s: %s", pkg, imp, reason)
			}
		}
	}
	if pkgs < 3 {
		t.Fatalf("go list found only %d packages; the test is not looking at the module", pkgs)
	}
}

func forbidden(mod, pkg, imp string) string {
	ours := imp == mod || strings.HasPrefix(imp, mod+"/")
	fyne := strings.HasPrefix(imp, "fyne.io/")
	under := func(p string) bool { return pkg == mod+"/"+p || strings.HasPrefix(pkg, mod+"/"+p+"/") }
	switch {
	case imp == "fyne.io/fyne/v2/app" && pkg != mod && !under("gui") && !under("scripts/tools"):
		return "only main and gui may import Fyne's app package"
	case pkg == mod+"/pipeline/webui" && ours:
		return "the WebUI client is the lowest layer and imports nothing of ours"
	case under("pipeline") && fyne:
		return "pipeline never imports Fyne"
	case under("pipeline") && ours && !strings.HasPrefix(imp, mod+"/pipeline") && imp != mod+"/assets":
		return "pipeline imports only pipeline packages and assets"
	case (under("controller") || under("app") || under("cli")) && fyne:
		return "controller, app and cli never import Fyne"
	case under("controller") && (strings.HasPrefix(imp, mod+"/app") || strings.HasPrefix(imp, mod+"/gui") || strings.HasPrefix(imp, mod+"/cli")):
		return "controller sits below app, gui and cli"
	case under("app") && (strings.HasPrefix(imp, mod+"/gui") || strings.HasPrefix(imp, mod+"/cli")):
		return "app sits below gui and cli"
	case under("assets") && ours:
		return "assets imports nothing of ours"
	case under("gui") && (imp == mod+"/pipeline/webui" || strings.HasPrefix(imp, mod+"/pipeline/webui/")):
		return "the GUI gets WebUI state and lists from app as plain data, never from the HTTP client"
	}
	return ""
}

func TestForbiddenRules(t *testing.T) {
	for _, tc := range []struct {
		pkg, imp string
		bad      bool
	}{
		{"stablenew/pipeline", "fyne.io/fyne/v2", true},
		{"stablenew/pipeline/runner", "stablenew/controller", true},
		{"stablenew/pipeline/runner", "stablenew/pipeline/webui", false},
		{"stablenew/pipeline/webui", "stablenew/pipeline", true},
		{"stablenew/pipeline/webui/webuitest", "stablenew/pipeline/webui", false},
		{"stablenew/controller", "fyne.io/fyne/v2/widget", true},
		{"stablenew/controller", "stablenew/app", true},
		{"stablenew/app", "stablenew/controller", false},
		{"stablenew/gui", "fyne.io/fyne/v2/app", false},
		{"stablenew", "fyne.io/fyne/v2/app", false},
		{"stablenew/app", "fyne.io/fyne/v2/app", true},
		{"stablenew/gui", "stablenew/pipeline/webui", true},
		{"stablenew/gui", "stablenew/pipeline/resources", false},
	} {
		if got := forbidden("stablenew", tc.pkg, tc.imp) != ""; got != tc.bad {
			t.Errorf("%s importing %s: forbidden=%v, want %v", tc.pkg, tc.imp, got, tc.bad)
		}
	}
}
