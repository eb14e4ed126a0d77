package random

import (
	"testing"
)

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		template string
		line     int
		col      int
		msg      string
	}{
		{"a portrait {red|blue", 1, 12, `"{" is never closed; add "}" or remove it`},
		{"{a|{b}", 1, 1, `"{" is never closed`},
		{"{a|b} and {c", 1, 11, `"{" is never closed`},
		{"line one\n  {x|y", 2, 3, `"{" is never closed`},
		{"\t{x", 1, 2, `"{" is never closed`}, // columns count the tab as one character
		{"é {x", 1, 3, `"{" is never closed`}, // and runes, not bytes
		{"${color", 1, 1, `"${" is never closed`},
		{"${color x}", 1, 1, `after "${color" write "}", ":default}" or "=value}"`},
		{"${v=a|b}", 1, 6, `"|" cannot be used inside ${…}`},
		{"a __x/../y__ b", 1, 3, `contains ".."; wildcard names must stay inside the wildcard folder`},
		{"__/etc/passwd__", 1, 1, `must not start with "/"`},
		{"%{a$$b", 1, 1, `"%{" is never closed`},
		{"${a=${b=c}}", 1, 5, "a variable cannot be set inside ${…}"},
	}
	for _, tt := range tests {
		_, err := ParseTemplate(tt.template)
		var se *SyntaxError
		if !asError(err, &se) {
			t.Errorf("ParseTemplate(%q) = %v, want a *SyntaxError", tt.template, err)
			continue
		}
		if se.Line != tt.line || se.Column != tt.col || !contains(se.Msg, tt.msg) {
			t.Errorf("ParseTemplate(%q) = line %d column %d %q, want line %d column %d containing %q",
				tt.template, se.Line, se.Column, se.Msg, tt.line, tt.col, tt.msg)
		}
	}
	_, err := ParseTemplate("a portrait {red|blue")
	if want := `column 12: "{" is never closed; add "}" or remove it`; err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err, want)
	}
	_, err = ParseTemplate("x\n{y")
	if want := `line 2, column 1: "{" is never closed; add "}" or remove it`; err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err, want)
	}
}

func TestParseStructure(t *testing.T) {
	tests := []struct {
		template string
		check    func(*node) bool
	}{
		{"{~a|b}", func(r *node) bool { return r.parts[0].method == samplerRandom }},
		{"{ @2$$a|b}", func(r *node) bool { v := r.parts[0]; return v.method == samplerCyclical && v.lo == 2 && v.hi == 2 }},
		{"{!a|b}", func(r *node) bool { return r.parts[0].method == samplerCombinatorial }},
		{"__~colors__", func(r *node) bool { w := r.parts[0]; return w.method == samplerRandom && w.plainName == "colors" }},
		{`__dir\sub/name/__`, func(r *node) bool { return r.parts[0].plainName == "dir/sub/name" }},
		{"__colors*__", func(r *node) bool { return r.parts[0].plainName == "colors*" }},
		{"__dir/**__", func(r *node) bool { return r.parts[0].plainName == "dir/**" }},
		{"{0.5::a|2::b|c|.5::d|1.::e}", func(r *node) bool {
			o := r.parts[0].opts
			return o[0].weight == 0.5 && o[1].weight == 2 && o[2].weight == 1 && o[3].weight == 0.5 && o[4].weight == 1 && o[4].n.text == "e"
		}},
		{"{-1::a}", func(r *node) bool { return r.parts[0].opts[0].n.text == "-1::a" }},
		{"{3-$$a|b}", func(r *node) bool { v := r.parts[0]; return v.lo == 3 && v.hi == 2 }},
		{"{2$$ and $$a}", func(r *node) bool { return r.parts[0].sep == " and " }},
		{"{2-3x$$a}", func(r *node) bool { return r.parts[0].lo == 1 && r.parts[0].opts[0].n.text == "2-3x$$a" }},
		{"${v=!x}${v}", func(r *node) bool { return len(r.assigns) == 1 && r.assigns[0].immediate && r.parts[0].kind == nodeVar }},
		{"${v?=x}", func(r *node) bool { return r.assigns[0].keep }},
		{"{a|${v=x}${v}}", func(r *node) bool { return r.parts[0].opts[1].n.kind == nodeSeq }},
		{"__w(a=b, c={x|y})__", func(r *node) bool {
			w := r.parts[0]
			return len(w.params) == 2 && w.params[1].value.kind == nodeVariant
		}},
		{"__c-${t:warm}__", func(r *node) bool {
			w := r.parts[0]
			return len(w.name) == 2 && w.name[1].isVar && w.name[1].def == "warm"
		}},
	}
	for _, tt := range tests {
		tmpl, err := ParseTemplate(tt.template)
		if err != nil {
			t.Errorf("ParseTemplate(%q): %v", tt.template, err)
			continue
		}
		if !tt.check(tmpl.root) {
			t.Errorf("ParseTemplate(%q): unexpected tree %s", tt.template, tmpl.root.key)
		}
	}
}

func TestTemplateString(t *testing.T) {
	tmpl, err := ParseTemplate("a {b|c}")
	if err != nil || tmpl.String() != "a {b|c}" {
		t.Fatalf("String() = %q, %v", tmpl.String(), err)
	}
}

func TestFnmatch(t *testing.T) {
	tests := []struct {
		name, pattern string
		want          bool
	}{
		{"colors", "colors*", true},
		{"colors_warm", "colors*", true},
		{"dir/a/b", "dir/**", true},
		{"dir/a", "dir/*", true},
		{"dirx", "dir/*", false},
		{"a/colors", "**/colors", true},
		{"colors", "**/colors", false},
		{"abc", "a?c", true},
		{"abc", "a[bx]c", true},
		{"abc", "a[!b]c", false},
		{"a1", "a[0-9]", true},
		{"Colors", "colors", false},
	}
	for _, tt := range tests {
		if got := fnmatch(tt.name, tt.pattern); got != tt.want {
			t.Errorf("fnmatch(%q, %q) = %v, want %v", tt.name, tt.pattern, got, tt.want)
		}
	}
}
