package output

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeComponent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"../../etc/passwd", "____etc_passwd"},
		{`..\..\windows\system32`, "____windows_system32"},
		{"..", "_"},
		{".", "_"},
		{"...", "_"},
		{"", "_"},
		{"CON", "_CON"},
		{"con", "_con"},
		{"CON.png", "_CON.png"},
		{"nul ", "_nul"},
		{"COM1", "_COM1"},
		{"LPT9.txt", "_LPT9.txt"},
		{"COM10", "COM10"},
		{"CONSOLE", "CONSOLE"},
		{"a\x00b", "a_b"},
		{"a\x1fb\x7fc", "a_b_c"},
		{"line1\nline2\tx", "line1 line2 x"},
		{`a<b>c:d"e|f?g*h`, "a_b_c_d_e_f_g_h"},
		{"  .hidden. ", "hidden"},
		{"trailing...", "trailing_"}, // ".." becomes "_", then the last dot is trimmed
		{"a..b", "a_b"},
		{"日本語の名前", "日本語の名前"},
		{"café crème", "café crème"},
		{"🐱 cat", "🐱 cat"},
		{"\xff\xfe", "__"},
		{"\u202egnp.exe", "_gnp.exe"},
		{"\u0085x", "_x"},
	}
	for _, tt := range tests {
		if got := SanitizeComponent(tt.in); got != tt.want {
			t.Errorf("SanitizeComponent(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSanitizeComponentCapsOnRuneBoundary(t *testing.T) {
	for _, unit := range []string{"a", "é", "日", "🐱", "ab "} {
		in := strings.Repeat(unit, 500)
		got := SanitizeComponent(in)
		if len(got) > MaxComponentBytes || !utf8.ValidString(got) || !strings.HasPrefix(in, got) {
			t.Errorf("unit %q: got %d bytes %q", unit, len(got), got)
		}
		if len(got) < MaxComponentBytes-4 {
			t.Errorf("unit %q: capped too short (%d bytes)", unit, len(got))
		}
	}
}

// hostileValues are token values meant to break out of the output folder or
// produce invalid names.
var hostileValues = []string{
	"", ".", "..", "...", "../", "../../etc/passwd", `..\..\Windows`, "/", `\`, "/etc/passwd",
	`C:\Windows\System32`, `\\server\share`, "~", "~/x", "a/../../b", "CON", "nul", "Com1", "LPT1.txt",
	"a\x00b", "\x00", "\n", "\r\n..", " ", " . ", ". .", "x.", "x ", "-", "*", "?", `"`, "<>", "|",
	strings.Repeat("long", 200), strings.Repeat("日本", 200), strings.Repeat(".", 300),
	strings.Repeat("../", 100), "\xff\xfe\xfd", "\u202e", "%2e%2e%2f", "..%c0%af", "\u2024\u2024/",
	"．．／", "a/b/c", "COM¹",
}

// checkPortableComponent fails if c is not a safe, portable path component.
func checkPortableComponent(t *testing.T, c, context string) {
	t.Helper()
	switch {
	case c == "" || c == "." || c == "..":
		t.Errorf("%s: bad component %q", context, c)
	case strings.ContainsAny(c, "/\\<>:\"|?*\x00"):
		t.Errorf("%s: component %q holds a forbidden character", context, c)
	case len(c) > MaxComponentBytes+11:
		t.Errorf("%s: component %q is %d bytes", context, c, len(c))
	case !utf8.ValidString(c):
		t.Errorf("%s: component %q is not UTF-8", context, c)
	case strings.HasSuffix(c, ".") || strings.HasSuffix(c, " ") || strings.HasPrefix(c, "."):
		t.Errorf("%s: component %q has a leading dot or trailing dot/space", context, c)
	case isReservedName(c):
		t.Errorf("%s: component %q is a device name", context, c)
	}
	for _, r := range c {
		if r < 0x20 || r == 0x7f {
			t.Errorf("%s: component %q holds a control character", context, c)
		}
	}
}

func TestSanitizeComponentHostile(t *testing.T) {
	for _, v := range hostileValues {
		checkPortableComponent(t, SanitizeComponent(v), "SanitizeComponent("+v+")")
	}
}
