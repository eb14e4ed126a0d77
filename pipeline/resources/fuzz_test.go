package resources

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzResolve resolves arbitrary names of every kind against real-world
// lists: it never panics, a name that resolves becomes one of the WebUI's
// own names (or passes unchanged where nothing is checked), and one that
// does not says why.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"sd_xl_base_1.0.safetensors [31e35c80fc]", "SDXL\\sd_xl_base_1.0", "[", " [", "]", "x [0123456789]",
		"my model [v2].safetensors", "31e35c80fc", "DPM++ 2M Karras", "k_euler_a", "<lora:x:1>", "", " ", "\x00", "é [ffffffffff]"} {
		f.Add(s)
	}
	l := realWorld()
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) {
			t.Skip()
		}
		v := NewView("w", l, nil)
		for _, k := range Kinds {
			r := v.Resolve(k, name)
			if !r.OK() {
				if r.Problem == "" || r.Describe() == "" {
					t.Fatalf("%s %q: a problem without a reason: %+v", k, name, r)
				}
				continue
			}
			switch {
			case k == KindADetailer, k == KindEmbedding, r.How == HowSuffix:
				// the extension, embeddings (any case) and "sampler
				// schedule" pass as written
			case !slices.Contains(l.Names(k), r.Used):
				t.Fatalf("%s %q resolved to %q, which the WebUI does not list", k, name, r.Used)
			}
		}
	})
}
