package resources

import (
	"slices"
	"strings"
	"testing"
)

// ckpt makes a checkpoint as A1111 lists it: the title carries the short
// hash, which is the first 10 digits of SHA256. An empty hash is a file
// never hashed: its title has no [hash].
func ckpt(file, hash string) Checkpoint {
	c := Checkpoint{Title: file, ModelName: strings.ReplaceAll(strings.TrimSuffix(file, ".safetensors"), "/", "_")}
	if hash != "" {
		c.Title += " [" + hash + "]"
		c.Hash = hash
		if len(hash) == 10 {
			c.SHA256 = hash + strings.Repeat("0", 54)
		}
	}
	return c
}

// realWorld is a WebUI's lists as people have them: models in subfolders,
// a file never hashed, one file in two folders, one stem in two folders,
// a legacy hash, brackets in a name.
func realWorld() *Lists {
	return &Lists{
		Checkpoints: []Checkpoint{
			ckpt("SDXL/sd_xl_base_1.0.safetensors", "31e35c80fc"),
			ckpt("SDXL/sd_xl_refiner_1.0.safetensors", "7440042bbd"),
			ckpt("Pony/ponyDiffusionV6XL.safetensors", ""),
			ckpt("anime/animagine-xl-3.1.safetensors", "e3c47aedb0"),
			ckpt("backup/animagine-xl-3.1.safetensors", "e3c47aedb0"),
			ckpt("v1/dreamshaper_8.safetensors", "879db523c3"),
			ckpt("v2/dreamshaper_8.safetensors", "9d40847d47"),
			ckpt("v1-5-pruned-emaonly.ckpt", "81761151"),
			ckpt(`Realistic\juggernautXL_v9Rundiffusion.safetensors`, "c9e3e68f89"),
			ckpt("my model [v2].safetensors", "aaaaaaaaaa"),
		},
		VAEs:               []string{"sdxl_vae.safetensors", "vae-ft-mse-840000-ema-pruned.safetensors"},
		Samplers:           []Sampler{{"DPM++ 2M", []string{"k_dpmpp_2m"}}, {"Euler a", []string{"k_euler_a", "k_euler_ancestral"}}, {"Euler", []string{"k_euler"}}},
		Schedulers:         []Scheduler{{"automatic", "Automatic", nil}, {"karras", "Karras", nil}, {"sgm_uniform", "SGM Uniform", []string{"SGMUniform"}}},
		Upscalers:          []string{"None", "Lanczos", "R-ESRGAN 4x+", "4x-UltraSharp"},
		LatentUpscaleModes: []string{"Latent", "Latent (antialiased)"},
		LoRAs:              []LoRA{{"add-detail-xl", "add-detail-xl"}, {"film_grain_v2", "film_grain"}, {"DetailTweaker", "DetailTweaker"}},
		Embeddings:         []string{"negativeXL_D", "ziprealism"},
		SkippedEmbeddings:  []string{"EasyNegative"},
		ADetailerModels:    []string{"face_yolov8n.pt", "hand_yolov8n.pt"},
		ADetailerInstalled: true,
	}
}

func TestResolveCheckpoint(t *testing.T) {
	v := NewView("http://gpu:7860", realWorld(), nil)
	for _, tc := range []struct {
		name, want string
		how        How
		problem    string
		candidates []string
		note       string
	}{
		{name: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowExact},
		{name: "sd_xl_base_1.0.safetensors [31e35c80fc]", want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowHash},
		{name: "sd_xl_base_1.0 [31E35C80FC]", want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowHash},
		{name: "31e35c80fc", want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowHash},
		{name: "31e35c80fc" + strings.Repeat("0", 54), want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowHash},
		{name: "sd_xl_base_1.0.safetensors", want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowStem},
		{name: "sd_xl_base_1.0", want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowStem},
		{name: `SDXL\sd_xl_base_1.0.safetensors`, want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowName},
		{name: "SDXL_sd_xl_base_1.0", want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowStem},
		// Case differences (a pack written on Windows).
		{name: "SD_XL_Base_1.0.safetensors", want: "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]", how: HowStem},
		{name: "realistic/juggernautxl_v9rundiffusion.safetensors", want: `Realistic\juggernautXL_v9Rundiffusion.safetensors [c9e3e68f89]`, how: HowName},
		// A file never hashed: its title has no hash, and a pack's hash cannot match.
		{name: "ponyDiffusionV6XL.safetensors [67ab2fd8ec]", want: "Pony/ponyDiffusionV6XL.safetensors", how: HowStem},
		{name: "Pony/ponyDiffusionV6XL.safetensors", want: "Pony/ponyDiffusionV6XL.safetensors", how: HowExact},
		// The same file in two folders: by hash, the one whose folder matches.
		{name: "animagine-xl-3.1.safetensors [e3c47aedb0]", want: "anime/animagine-xl-3.1.safetensors [e3c47aedb0]", how: HowHash,
			note: "listed 2 times"},
		{name: "backup/animagine-xl-3.1.safetensors [e3c47aedb0]", want: "backup/animagine-xl-3.1.safetensors [e3c47aedb0]", how: HowExact},
		{name: "backup/animagine-xl-3.1.safetensors", want: "backup/animagine-xl-3.1.safetensors [e3c47aedb0]", how: HowName},
		// One stem, two files: the hash tells them apart, nothing else does.
		{name: "dreamshaper_8.safetensors [9d40847d47]", want: "v2/dreamshaper_8.safetensors [9d40847d47]", how: HowHash},
		{name: "dreamshaper_8.safetensors", problem: problemAmbiguous,
			candidates: []string{"v1/dreamshaper_8.safetensors [879db523c3]", "v2/dreamshaper_8.safetensors [9d40847d47]"}},
		{name: "v1/dreamshaper_8.safetensors", want: "v1/dreamshaper_8.safetensors [879db523c3]", how: HowName},
		// A pack's hash that differs: found by name, with a note.
		{name: "v1/dreamshaper_8.safetensors [0123456789]", want: "v1/dreamshaper_8.safetensors [879db523c3]", how: HowName,
			note: "another hash"},
		// Legacy 8-digit hashes in old titles.
		{name: "81761151", want: "v1-5-pruned-emaonly.ckpt [81761151]", how: HowHash},
		{name: "v1-5-pruned-emaonly [81761151]", want: "v1-5-pruned-emaonly.ckpt [81761151]", how: HowHash},
		// Brackets that are not a hash belong to the name.
		{name: "my model [v2].safetensors", want: "my model [v2].safetensors [aaaaaaaaaa]", how: HowName},
		{name: "juggernautXL_v8.safetensors", problem: problemNotFound},
		{name: "ffffffffff", problem: problemNotFound},
	} {
		r := v.Resolve(KindCheckpoint, tc.name)
		if r.Problem != tc.problem {
			t.Errorf("%q: problem %q (%s), want %q", tc.name, r.Problem, r.Used, tc.problem)
			continue
		}
		if tc.problem != "" {
			if tc.candidates != nil && !slices.Equal(r.Candidates, tc.candidates) {
				t.Errorf("%q: candidates %q, want %q", tc.name, r.Candidates, tc.candidates)
			}
			continue
		}
		if r.Used != tc.want || r.How != tc.how {
			t.Errorf("%q → %q by %s, want %q by %s", tc.name, r.Used, r.How, tc.want, tc.how)
		}
		if tc.note != "" && !strings.Contains(r.Note, tc.note) {
			t.Errorf("%q: note %q, want it to say %q", tc.name, r.Note, tc.note)
		}
		if tc.note == "" && r.Note != "" {
			t.Errorf("%q: unexpected note %q", tc.name, r.Note)
		}
	}
}

func TestResolveMissingCheckpointNamesClosest(t *testing.T) {
	v := NewView("http://gpu:7860", realWorld(), nil)
	r := v.Resolve(KindCheckpoint, "juggernautXL_v8Rundiffusion.safetensors [aaaa000000]")
	if r.OK() || len(r.Closest) == 0 || r.Closest[0] != `Realistic\juggernautXL_v9Rundiffusion.safetensors [c9e3e68f89]` {
		t.Fatalf("resolution %+v: want not found with the v9 file closest", r)
	}
	d := r.Describe()
	for _, want := range []string{`has no checkpoint "juggernautXL_v8Rundiffusion.safetensors [aaaa000000]"`, "closest: ", "v9Rundiffusion"} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe() = %q, want it to contain %q", d, want)
		}
	}
}

func TestResolveOtherKinds(t *testing.T) {
	l := realWorld()
	v := NewView("w", l, nil)
	for _, tc := range []struct {
		kind            Kind
		name, want      string
		how             How
		problem         string
		closestContains string
	}{
		{kind: KindSampler, name: "Euler a", want: "Euler a", how: HowExact},
		{kind: KindSampler, name: "k_euler_a", want: "Euler a", how: HowAlias},
		{kind: KindSampler, name: "euler A", want: "Euler a", how: HowCase},
		{kind: KindSampler, name: "K_EULER", want: "Euler", how: HowAlias},
		{kind: KindSampler, name: "DPM++ 2M Karras", want: "DPM++ 2M Karras", how: HowSuffix},
		{kind: KindSampler, name: "DPM++ 3M SDE", problem: problemNotFound, closestContains: "DPM++ 2M"},
		{kind: KindScheduler, name: "Karras", want: "Karras", how: HowExact},
		{kind: KindScheduler, name: "karras", want: "Karras", how: HowAlias},
		{kind: KindScheduler, name: "SGMUniform", want: "SGM Uniform", how: HowAlias},
		{kind: KindScheduler, name: "Align Your Steps", problem: problemNotFound},
		{kind: KindVAE, name: "sdxl_vae.safetensors", want: "sdxl_vae.safetensors", how: HowExact},
		{kind: KindVAE, name: "sdxl_vae", want: "sdxl_vae.safetensors", how: HowStem},
		{kind: KindVAE, name: "SDXL_VAE.safetensors", want: "sdxl_vae.safetensors", how: HowCase},
		{kind: KindVAE, name: "kl-f8-anime2.ckpt", problem: problemNotFound},
		{kind: KindHiresUpscaler, name: "Latent (antialiased)", want: "Latent (antialiased)", how: HowExact},
		{kind: KindHiresUpscaler, name: "4x-ultrasharp", want: "4x-UltraSharp", how: HowCase},
		{kind: KindHiresUpscaler, name: "None", problem: problemNotFound},
		{kind: KindUpscaler, name: "R-ESRGAN 4x+", want: "R-ESRGAN 4x+", how: HowExact},
		{kind: KindUpscaler, name: "4x_NMKD-Siax_200k", problem: problemNotFound},
		{kind: KindADetailerModel, name: "face_yolov8n.pt", want: "face_yolov8n.pt", how: HowExact},
		{kind: KindADetailerModel, name: "face_yolov8s.pt", problem: problemNotFound, closestContains: "face_yolov8n.pt"},
		{kind: KindLoRA, name: "add-detail-xl", want: "add-detail-xl", how: HowExact},
		{kind: KindLoRA, name: "film_grain", want: "film_grain_v2", how: HowAlias},
		{kind: KindLoRA, name: "detailtweaker", want: "DetailTweaker", how: HowCase},
		{kind: KindLoRA, name: "add-detail", problem: problemNotFound, closestContains: "add-detail-xl"},
		{kind: KindEmbedding, name: "ziprealism", want: "ziprealism"},
		{kind: KindEmbedding, name: "NegativeXL_D", want: "NegativeXL_D"},
		{kind: KindEmbedding, name: "EasyNegative", problem: problemNotLoaded},
		{kind: KindEmbedding, name: "badhandv4", problem: problemNotFound},
	} {
		r := v.Resolve(tc.kind, tc.name)
		if r.Problem != tc.problem {
			t.Errorf("%s %q: problem %q, want %q", tc.kind, tc.name, r.Problem, tc.problem)
			continue
		}
		if tc.problem == "" && (r.Used != tc.want || (tc.how != "" && r.How != tc.how)) {
			t.Errorf("%s %q → %q by %s, want %q by %s", tc.kind, tc.name, r.Used, r.How, tc.want, tc.how)
		}
		if tc.closestContains != "" && !slices.Contains(r.Closest, tc.closestContains) {
			t.Errorf("%s %q: closest %q, want %q among them", tc.kind, tc.name, r.Closest, tc.closestContains)
		}
	}
}

func TestResolveListsTheWebUIDoesNotServe(t *testing.T) {
	l := realWorld()
	l.Unavailable = []Kind{KindVAE, KindLoRA}
	l.Schedulers = nil
	v := NewView("forge", l, nil)
	for _, n := range []struct {
		kind Kind
		name string
	}{{KindVAE, "anything.safetensors"}, {KindLoRA, "whatever"}, {KindScheduler, "Beta"}} {
		if r := v.Resolve(n.kind, n.name); !r.OK() || r.Used != n.name {
			t.Errorf("%s %q on a WebUI without that list: %+v, want it passed through unchecked", n.kind, n.name, r)
		}
	}
	l2 := realWorld()
	l2.ADetailerInstalled, l2.ADetailerModels = false, nil
	v2 := NewView("plain", l2, nil)
	if r := v2.Resolve(KindADetailer, "ADetailer"); r.OK() || !strings.Contains(r.Describe(), "ADetailer extension installed") {
		t.Errorf("ADetailer on a WebUI without it: %+v (%s)", r, r.Describe())
	}
}

func TestResolveUserMapping(t *testing.T) {
	aliases := []Alias{
		{WebUI: "http://gpu:7860", Kind: KindCheckpoint, Name: "dreamshaper_8.safetensors", Use: "v2/dreamshaper_8.safetensors [9d40847d47]"},
		{WebUI: "http://gpu:7860", Kind: KindUpscaler, Name: "4x_NMKD-Siax_200k", Use: "4x-UltraSharp"},
		{WebUI: "http://gpu:7860", Kind: KindLoRA, Name: "old_lora", Use: "gone_lora"},
		{WebUI: "http://other:7860", Kind: KindVAE, Name: "kl-f8-anime2.ckpt", Use: "sdxl_vae.safetensors"},
	}
	v := NewView("http://gpu:7860", realWorld(), aliases)
	if r := v.Resolve(KindCheckpoint, "dreamshaper_8.safetensors"); r.Used != "v2/dreamshaper_8.safetensors [9d40847d47]" || r.How != HowMapping {
		t.Errorf("a stored mapping settles an ambiguity: %+v", r)
	}
	if r := v.Resolve(KindUpscaler, "4x_NMKD-Siax_200k"); r.Used != "4x-UltraSharp" || r.How != HowMapping {
		t.Errorf("upscaler mapping: %+v", r)
	}
	if r := v.Resolve(KindLoRA, "old_lora"); r.OK() || !strings.Contains(r.Problem, "gone_lora") {
		t.Errorf("a mapping to a title the WebUI no longer lists must be a problem naming it: %+v", r)
	}
	if r := v.Resolve(KindVAE, "kl-f8-anime2.ckpt"); r.OK() {
		t.Errorf("another WebUI's mapping applied here: %+v", r)
	}
}

func TestVerdict(t *testing.T) {
	v := NewView("http://gpu:7860", realWorld(), nil)
	ok := RequiredKey([]Need{{Kind: KindCheckpoint, Name: "sd_xl_base_1.0.safetensors [31e35c80fc]"}, {Kind: KindSampler, Name: "Euler a"},
		{Kind: KindLoRA, Name: "missing-lora"}})
	if vd := v.Verdict(ok); vd.State != Yes {
		t.Errorf("verdict %+v, want Yes (a LoRA does not block)", vd)
	}
	bad := RequiredKey([]Need{{Kind: KindCheckpoint, Name: "juggernautXL_v8.safetensors"}, {Kind: KindUpscaler, Name: "4x-UltraSharp"}})
	vd := v.Verdict(bad)
	if vd.State != No || !strings.Contains(vd.Reason, `http://gpu:7860 has no checkpoint "juggernautXL_v8.safetensors"`) {
		t.Errorf("verdict %+v, want No naming the WebUI and the checkpoint", vd)
	}
	if vd := NewView("x", nil, nil).Verdict(bad); vd.State != Yes {
		t.Errorf("a view without lists must not block: %+v", vd)
	}
}

func TestCheckpointResolverForInfotext(t *testing.T) {
	l := &Lists{Checkpoints: []Checkpoint{
		ckpt("sd_xl_base_1.0.safetensors", "31e35c80fc"),
		ckpt("SDXL/sd_xl_refiner_1.0.safetensors", "7440042bbd"),
	}}
	for _, tc := range []struct {
		l          *Lists
		name, hash string
		want       string
	}{
		{l, "sd_xl_base_1.0", "31e35c80fc", "sd_xl_base_1.0.safetensors [31e35c80fc]"},
		{l, "renamed", "31E35C80FC", "sd_xl_base_1.0.safetensors [31e35c80fc]"},
		{l, "", "31e35c80fc", "sd_xl_base_1.0.safetensors [31e35c80fc]"},
		{l, "sd_xl_refiner_1.0 [7440042bbd]", "", "SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]"},
		{l, "sd_xl_refiner_1.0", "", "SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]"},
		{l, "dreamshaper_8", "879db523c3", "dreamshaper_8"},
		{nil, "sd_xl_base_1.0", "31e35c80fc", "sd_xl_base_1.0"},
	} {
		if got := CheckpointResolver(tc.l)(tc.name, tc.hash); got != tc.want {
			t.Errorf("CheckpointResolver(%q, %q) = %q, want %q", tc.name, tc.hash, got, tc.want)
		}
	}
}
