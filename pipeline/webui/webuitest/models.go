package webuitest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
)

// Default resource lists of the fake.
var (
	DefaultCheckpoints = []string{
		"sd_xl_base_1.0.safetensors [31e35c80fc]",
		"sd_xl_refiner_1.0.safetensors [7440042bbd]",
		"v1-5-pruned-emaonly.safetensors [6ce0161689]",
		"animagine-xl-3.1.safetensors [e3c47aedb0]",
	}
	DefaultVAEs      = []string{"sdxl_vae.safetensors", "vae-ft-mse-840000-ema-pruned.safetensors"}
	DefaultUpscalers = []string{"ESRGAN_4x", "R-ESRGAN 4x+", "R-ESRGAN 4x+ Anime6B", "4x-UltraSharp", "LDSR", "ScuNET", "SwinIR 4x", "DAT x4"}
	DefaultLoras     = []string{"add-detail-xl", "film_grain", "detail_tweaker"}
	// DefaultEmbeddings are loaded textual inversions.
	DefaultEmbeddings      = []string{"EasyNegative", "bad_hands_neg", "my_pos"}
	DefaultADetailerModels = []string{
		"face_yolov8n.pt", "face_yolov8s.pt", "hand_yolov8n.pt", "person_yolov8n-seg.pt", "person_yolov8s-seg.pt", "yolov8x-worldv2.pt",
		"mediapipe_face_full", "mediapipe_face_short", "mediapipe_face_mesh", "mediapipe_face_mesh_eyes_only",
	}
	// LatentUpscaleModes are A1111's latent hires modes.
	LatentUpscaleModes = []string{"Latent", "Latent (antialiased)", "Latent (bicubic)", "Latent (bicubic antialiased)", "Latent (nearest)", "Latent (nearest-exact)"}
)

// Version is the WebUI version the fake reports.
const Version = "v1.10.1"

// ADetailerVersion is the ADetailer version the fake reports.
const ADetailerVersion = "25.3.0"

// samplerDef is one A1111 1.10 sampler.
type samplerDef struct {
	name    string
	aliases []string
	options map[string]string
}

var samplers = []samplerDef{
	{"DPM++ 2M", []string{"k_dpmpp_2m"}, map[string]string{"scheduler": "karras"}},
	{"DPM++ SDE", []string{"k_dpmpp_sde"}, map[string]string{"scheduler": "karras", "second_order": "True", "brownian_noise": "True"}},
	{"DPM++ 2M SDE", []string{"k_dpmpp_2m_sde_ka"}, map[string]string{"scheduler": "exponential", "brownian_noise": "True"}},
	{"DPM++ 2M SDE Heun", []string{"k_dpmpp_2m_sde_heun"}, map[string]string{"scheduler": "exponential", "brownian_noise": "True", "solver_type": "heun"}},
	{"DPM++ 2S a", []string{"k_dpmpp_2s_a"}, map[string]string{"scheduler": "karras", "uses_ensd": "True", "second_order": "True"}},
	{"DPM++ 3M SDE", []string{"k_dpmpp_3m_sde"}, map[string]string{"scheduler": "exponential", "discard_next_to_last_sigma": "True", "brownian_noise": "True"}},
	{"Euler a", []string{"k_euler_a", "k_euler_ancestral"}, map[string]string{"uses_ensd": "True"}},
	{"Euler", []string{"k_euler"}, map[string]string{}},
	{"LMS", []string{"k_lms"}, map[string]string{}},
	{"Heun", []string{"k_heun"}, map[string]string{"second_order": "True"}},
	{"DPM2", []string{"k_dpm_2"}, map[string]string{"scheduler": "karras", "discard_next_to_last_sigma": "True", "second_order": "True"}},
	{"DPM2 a", []string{"k_dpm_2_a"}, map[string]string{"scheduler": "karras", "discard_next_to_last_sigma": "True", "uses_ensd": "True", "second_order": "True"}},
	{"DPM fast", []string{"k_dpm_fast"}, map[string]string{"uses_ensd": "True"}},
	{"DPM adaptive", []string{"k_dpm_ad"}, map[string]string{"uses_ensd": "True"}},
	{"Restart", []string{"restart"}, map[string]string{"scheduler": "karras", "second_order": "True"}},
	{"DDIM", []string{"ddim"}, map[string]string{}},
	{"DDIM CFG++", []string{"ddim_cfgpp"}, map[string]string{}},
	{"PLMS", []string{"plms"}, map[string]string{}},
	{"UniPC", []string{"unipc"}, map[string]string{}},
	{"LCM", []string{"k_lcm"}, map[string]string{}},
}

// schedulerDef is one A1111 1.10 scheduler.
type schedulerDef struct {
	name, label string
	aliases     []string
	rho         float64
	inner       bool
}

var schedulers = []schedulerDef{
	{"automatic", "Automatic", nil, -1, false},
	{"uniform", "Uniform", nil, -1, true},
	{"karras", "Karras", nil, 7, false},
	{"exponential", "Exponential", nil, -1, false},
	{"polyexponential", "Polyexponential", nil, 1, false},
	{"sgm_uniform", "SGM Uniform", []string{"SGMUniform"}, -1, true},
	{"kl_optimal", "KL Optimal", nil, -1, false},
	{"align_your_steps", "Align Your Steps", nil, -1, false},
	{"simple", "Simple", nil, -1, true},
	{"normal", "Normal", nil, -1, true},
	{"ddim", "DDIM", nil, -1, true},
	{"beta", "Beta", nil, -1, true},
}

// SubfolderCheckpoints are DefaultCheckpoints as users keep them: in
// subfolders, with the animagine file never hashed (its title has no
// [hash] until it is first loaded), so the sample packs' plain names are
// not the WebUI's titles.
var SubfolderCheckpoints = []string{
	"SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]",
	"SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]",
	"SD15/v1-5-pruned-emaonly.safetensors [6ce0161689]",
	"Anime/animagine-xl-3.1.safetensors",
}

// checkpoint is one checkpoint, as A1111 knows it.
type checkpoint struct {
	title    string // "SDXL/m.safetensors [hash]", or without " [hash]" while unhashed
	filename string // absolute path
	rel      string // relative file name, "SDXL/m.safetensors"
	name     string // model_name: "SDXL_m"
	hash     string // short hash (or a legacy 8-digit one from the title); "" while unhashed
	sha      string // "" while unhashed
}

// parseCheckpoints reads titles "file [hash]"; a title without a hash is
// a file never hashed.
func parseCheckpoints(titles []string) []checkpoint {
	out := make([]checkpoint, 0, len(titles))
	for _, t := range titles {
		file, hash := t, ""
		if i := strings.LastIndex(t, " ["); i > 0 && strings.HasSuffix(t, "]") {
			file, hash = t[:i], t[i+2:len(t)-1]
		}
		c := checkpoint{
			title:    file,
			filename: "/models/Stable-diffusion/" + file,
			rel:      file,
			name:     strings.TrimSuffix(strings.ReplaceAll(file, "/", "_"), path.Ext(file)),
		}
		if hash != "" {
			c.setHash(hash)
		}
		out = append(out, c)
	}
	return out
}

// setHash gives the checkpoint its hash: its SHA256 starts with a 10-digit
// short hash (other digits come from the file name), and its title gains
// " [hash]".
func (c *checkpoint) setHash(hash string) {
	sum := sha256.Sum256([]byte(c.rel))
	sha := hex.EncodeToString(sum[:])
	if len(hash) == 10 {
		sha = hash + sha[10:]
	}
	c.hash, c.sha, c.title = hash, sha, c.rel+" ["+hash+"]"
}

// findCheckpoint resolves any alias A1111 accepts, and nothing else: the
// title, the relative file name, the model name, the file stem, the short
// hash, the SHA256, "relative name [hash]" and "stem [hash]". A file loaded
// since it was listed unhashed keeps its old title as an alias.
func (s *Server) findCheckpoint(q string) (checkpoint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.ckpts {
		ids := []string{c.title, c.rel, c.name, stem(c.rel)}
		if c.hash != "" {
			ids = append(ids, c.hash, c.sha, c.rel+" ["+c.hash+"]", stem(c.rel)+" ["+c.hash+"]")
		}
		for _, id := range ids {
			if q == id {
				return c, true
			}
		}
	}
	return checkpoint{}, false
}

// loaded hashes a checkpoint on its first load, as A1111 does: an unhashed
// file's title gains its hash. It returns the (new) title. s.mu is held.
func (s *Server) loadedLocked(title string) string {
	for i := range s.ckpts {
		c := &s.ckpts[i]
		if c.title == title && c.hash == "" {
			sum := sha256.Sum256([]byte(c.rel))
			c.setHash(hex.EncodeToString(sum[:])[:10])
			return c.title
		}
	}
	return title
}

// stem drops the directory and extension of a file name.
func stem(file string) string { return strings.TrimSuffix(path.Base(file), path.Ext(file)) }

// defaultOptions is a representative subset of A1111's settings, with
// non-zero int settings as floats like the real GET /options.
func defaultOptions(s *Server) map[string]any {
	every := 10.0
	if s.opts.PreviewEvery > 0 {
		every = float64(s.opts.PreviewEvery)
	}
	var model any
	if len(s.ckpts) > 0 {
		model = s.loadedLocked(s.ckpts[0].title) // loaded at start, so hashed
	}
	o := map[string]any{
		"samples_save": true, "samples_format": "png", "samples_filename_pattern": "",
		"save_images_add_number": true, "grid_save": true, "return_grid": true,
		"enable_pnginfo": true, "outdir_samples": "", "outdir_txt2img_samples": "outputs/txt2img-images",
		"sd_model_checkpoint": model, "sd_checkpoint_hash": "", "sd_vae": "Automatic",
		"sd_vae_overrides_per_model_preferences": true, "CLIP_stop_at_last_layers": 1.0,
		"img_max_size_mp": 200.0, "ESRGAN_tile": 192.0, "ESRGAN_tile_overlap": 8.0,
		"upscaler_for_img2img": nil, "face_restoration_model": "CodeFormer",
		"latent_upscale_default_mode": "Latent", "eta_noise_seed_delta": 0,
		"live_previews_enable": true, "show_progress_every_n_steps": every,
		"show_progress_type": "Approx NN", "token_merging_ratio": 0.0,
		"img2img_fix_steps": false, "sd_checkpoints_limit": 1.0, "api_enable_requests": true,
	}
	if !s.opts.NoADetailer {
		o["ad_max_models"] = 4.0
		o["ad_save_previews"] = false
	}
	return o
}

// buildRoutes is the routing table: path → method → handler.
func (s *Server) buildRoutes() map[string]map[string]handlerFunc {
	r := map[string]map[string]handlerFunc{}
	add := func(method, p string, h handlerFunc) {
		if r[p] == nil {
			r[p] = map[string]handlerFunc{}
		}
		r[p][method] = h
	}
	const api = "/sdapi/v1/"
	add(http.MethodPost, api+"txt2img", s.handleTxt2Img)
	add(http.MethodPost, api+"img2img", s.handleImg2Img)
	add(http.MethodPost, api+"extra-single-image", s.handleExtras)
	add(http.MethodPost, api+"png-info", s.handlePNGInfo)
	add(http.MethodGet, api+"progress", s.handleProgress)
	add(http.MethodPost, api+"interrupt", s.handleInterrupt)
	add(http.MethodPost, api+"skip", s.handleSkip)
	add(http.MethodGet, api+"options", s.handleGetOptions)
	add(http.MethodPost, api+"options", s.handleSetOptions)
	add(http.MethodGet, api+"sd-models", s.handleSDModels)
	if s.opts.Flavor == FlavorForge {
		add(http.MethodGet, api+"sd-modules", s.handleSDVAE)
	} else {
		add(http.MethodGet, api+"sd-vae", s.handleSDVAE)
	}
	add(http.MethodGet, api+"samplers", s.handleSamplers)
	add(http.MethodGet, api+"schedulers", s.handleSchedulers)
	add(http.MethodGet, api+"upscalers", s.handleUpscalers)
	add(http.MethodGet, api+"latent-upscale-modes", s.handleLatentModes)
	if !s.opts.NoLoras {
		add(http.MethodGet, api+"loras", s.handleLoras)
	}
	add(http.MethodGet, api+"embeddings", s.handleEmbeddings)
	for _, p := range []string{"refresh-checkpoints", "refresh-vae", "refresh-loras", "refresh-embeddings"} {
		add(http.MethodPost, api+p, s.handleRefresh)
	}
	add(http.MethodGet, api+"cmd-flags", s.handleCmdFlags)
	if s.opts.Flavor != FlavorSDNext {
		add(http.MethodGet, "/internal/ping", func(*request) response { return jsonResp(http.StatusOK, map[string]any{}) })
	}
	if !s.opts.NoADetailer {
		add(http.MethodGet, "/adetailer/v1/version", func(*request) response {
			return jsonResp(http.StatusOK, map[string]any{"version": ADetailerVersion})
		})
		add(http.MethodGet, "/adetailer/v1/ad_model", func(*request) response {
			return jsonResp(http.StatusOK, map[string]any{"ad_model": orDefault(s.opts.ADetailerModels, DefaultADetailerModels)})
		})
		add(http.MethodGet, "/adetailer/v1/schema", func(*request) response { return jsonResp(http.StatusOK, adetailerSchema()) })
	}
	return r
}

func (s *Server) handleSDModels(*request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]map[string]any, 0, len(s.ckpts))
	for _, c := range s.ckpts {
		var hash, sha any
		if c.hash != "" {
			hash, sha = c.hash, c.sha
		}
		out = append(out, map[string]any{"title": c.title, "model_name": c.name, "hash": hash,
			"sha256": sha, "filename": c.filename, "config": nil})
	}
	return jsonResp(http.StatusOK, out)
}

func (s *Server) handleSDVAE(*request) response {
	out := make([]map[string]any, 0, len(s.vaes))
	for _, v := range s.vaes {
		out = append(out, map[string]any{"model_name": v, "filename": "/models/VAE/" + v})
	}
	return jsonResp(http.StatusOK, out)
}

func (s *Server) handleSamplers(*request) response {
	out := make([]map[string]any, 0, len(samplers))
	for _, d := range samplers {
		out = append(out, map[string]any{"name": d.name, "aliases": d.aliases, "options": d.options})
	}
	return jsonResp(http.StatusOK, out)
}

func (s *Server) handleSchedulers(*request) response {
	out := make([]map[string]any, 0, len(schedulers))
	for _, d := range schedulers {
		var aliases any
		if d.aliases != nil {
			aliases = d.aliases
		}
		out = append(out, map[string]any{"name": d.name, "label": d.label, "aliases": aliases,
			"default_rho": d.rho, "need_inner_model": d.inner})
	}
	return jsonResp(http.StatusOK, out)
}

// upscalerNames lists every upscaler name including None, Lanczos, Nearest.
func (s *Server) upscalerNames() []string {
	return append([]string{"None", "Lanczos", "Nearest"}, orDefault(s.opts.Upscalers, DefaultUpscalers)...)
}

func (s *Server) handleUpscalers(*request) response {
	out := []map[string]any{}
	for _, n := range s.upscalerNames() {
		u := map[string]any{"name": n, "model_name": nil, "model_path": nil, "model_url": nil, "scale": 4.0}
		switch n {
		case "None", "Lanczos", "Nearest":
		default:
			u["model_name"] = n
			u["model_path"] = "/models/ESRGAN/" + n + ".pth"
		}
		out = append(out, u)
	}
	return jsonResp(http.StatusOK, out)
}

func (s *Server) handleLatentModes(*request) response {
	out := make([]map[string]any, 0, len(LatentUpscaleModes))
	for _, n := range LatentUpscaleModes {
		out = append(out, map[string]any{"name": n})
	}
	return jsonResp(http.StatusOK, out)
}

func (s *Server) handleLoras(*request) response {
	out := []map[string]any{}
	for _, n := range orDefault(s.opts.Loras, DefaultLoras) {
		out = append(out, map[string]any{"name": n, "alias": n, "path": "/models/Lora/" + n + ".safetensors",
			"metadata": map[string]any{"ss_output_name": n}})
	}
	return jsonResp(http.StatusOK, out)
}

func (s *Server) handleEmbeddings(*request) response {
	loaded := map[string]any{}
	for _, n := range orDefault(s.opts.Embeddings, DefaultEmbeddings) {
		loaded[n] = map[string]any{"step": nil, "sd_checkpoint": nil, "sd_checkpoint_name": nil, "shape": 768, "vectors": 2}
	}
	skipped := map[string]any{}
	for _, n := range s.opts.SkippedEmbeddings {
		skipped[n] = map[string]any{"step": nil, "sd_checkpoint": nil, "sd_checkpoint_name": nil, "shape": 768, "vectors": 1}
	}
	return jsonResp(http.StatusOK, map[string]any{"loaded": loaded, "skipped": skipped})
}

func (s *Server) handleRefresh(rq *request) response {
	if !s.acquireQueue(rq.r.Context()) {
		return response{hijack: true}
	}
	defer s.releaseQueue()
	return jsonResp(http.StatusOK, nil)
}

func (s *Server) handleCmdFlags(*request) response {
	return jsonResp(http.StatusOK, map[string]any{"api": true, "nowebui": s.opts.Flavor == FlavorSDNext,
		"listen": false, "port": nil, "api_auth": nil})
}

func (s *Server) handleGetOptions(*request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return jsonResp(http.StatusOK, deepCopy(s.options))
}

// handleSetOptions applies keys in order like A1111: a checkpoint change
// waits for the queue and loads the model; an unknown key is a KeyError
// (earlier keys stay applied).
func (s *Server) handleSetOptions(rq *request) response {
	body, bad := s.parseObject(rq)
	if bad != nil {
		return *bad
	}
	for _, key := range orderedKeys(rq.body, body) {
		val := body[key]
		switch key {
		case "sd_model_checkpoint":
			name, _ := val.(string)
			ck, ok := s.findCheckpoint(name)
			if !ok {
				return exception("RuntimeError", fmt.Sprintf("model '%s' not found", stringify(val)))
			}
			if ck.title == s.CurrentModel() {
				continue
			}
			if !s.acquireQueue(rq.r.Context()) {
				return response{hijack: true}
			}
			s.waitCtx(rq.r.Context(), s.opts.ModelLoadDuration)
			s.mu.Lock()
			title := s.loadedLocked(ck.title)
			s.options[key] = title
			s.options["sd_checkpoint_hash"] = s.ckptSHALocked(title)
			s.switches++
			s.mu.Unlock()
			s.releaseQueue()
		case "sd_vae":
			name, _ := val.(string)
			if !s.knownVAE(name) {
				return exception("RuntimeError", fmt.Sprintf("VAE '%s' not found", stringify(val)))
			}
			s.mu.Lock()
			if s.options[key] != name {
				s.options[key] = name
				s.vaeSwaps++
			}
			s.mu.Unlock()
		case "api_enable_requests", "api_forbid_local_requests", "api_useragent":
			// restricted: silently ignored
		default:
			s.mu.Lock()
			_, known := s.options[key]
			if known {
				s.options[key] = val
			}
			s.mu.Unlock()
			if !known {
				return exception("KeyError", fmt.Sprintf("'%s'", key))
			}
		}
	}
	if s.opts.Flavor == FlavorSDNext {
		return jsonResp(http.StatusOK, map[string]any{"updated": []any{}})
	}
	return jsonResp(http.StatusOK, nil)
}

func (s *Server) knownVAE(name string) bool {
	if name == "Automatic" || name == "None" {
		return true
	}
	for _, v := range s.vaes {
		if v == name || stem(v) == name {
			return true
		}
	}
	return false
}

// ckptSHALocked is the SHA256 of the checkpoint titled title ("" when
// unknown or unhashed). s.mu is held.
func (s *Server) ckptSHALocked(title string) string {
	for _, c := range s.ckpts {
		if c.title == title {
			return c.sha
		}
	}
	return ""
}

// optionValue reads a setting under the lock.
func (s *Server) optionValue(key string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.options[key]
}

// hasOption reports whether key is a known setting.
func (s *Server) hasOption(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.options[key]
	return ok
}

// timestamp formats A1111's job_timestamp.
func timestamp(t time.Time) string { return t.Format("20060102150405") }
