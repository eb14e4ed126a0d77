package webuitest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// genSpec is a validated, resolved generation request.
type genSpec struct {
	img2img             bool
	prompt, negative    string
	seed, subseed       int64
	subseedStrength     float64
	sampler, schedule   string
	steps, batch, nIter int
	cfg                 float64
	width, height       int
	denoise             *float64
	hires               bool
	hrScale             float64
	hrUpscaler          string
	hrSteps, hrW, hrH   int
	hrResize            bool
	hrCheckpoint        string
	hrSampler           string
	refiner             *checkpoint
	refinerSwitch       float64
	override            *checkpoint
	restore             bool
	clipSkip            int
	units               []adUnit
	adEnabled           bool
	sendImages          bool
	maskBlur            int
	hasMask             bool
	inpaintFullRes      bool
	hang                bool
	samplingSteps       int // steps actually run in the first pass
	firstW, firstH      int // first-pass size
	hrOutW, hrOutH      int // final size (hires target, or the first-pass size)
}

func (s *Server) handleTxt2Img(rq *request) response { return s.generate(rq, false) }
func (s *Server) handleImg2Img(rq *request) response { return s.generate(rq, true) }

// generate validates, queues and simulates one txt2img/img2img job.
func (s *Server) generate(rq *request, img2img bool) response {
	body, bad := s.parseObject(rq)
	if bad != nil {
		return *bad
	}
	fields := txt2imgSpec
	if img2img {
		fields = img2imgSpec
	}
	if bad := s.checkFields(body, fields); bad != nil {
		return *bad
	}
	g, resp := s.resolve(params(body), img2img)
	if resp != nil {
		return *resp
	}
	g.hang = rq.fault != nil && rq.fault.Kind == FaultHang

	if !s.acquireQueue(rq.r.Context()) {
		return response{hijack: true}
	}
	defer s.releaseQueue()

	previous := s.CurrentModel()
	model, _ := s.findCheckpoint(previous)
	if g.override != nil && g.override.title != previous {
		s.switchModel(rq, g.override.title)
		model = *g.override
		if g.restore {
			defer s.switchModel(rq, previous)
		}
	}
	images, seeds, subseeds, aborted := s.runJob(rq, g)
	if aborted {
		return response{hijack: true}
	}
	return s.generationReply(body, g, model, images, seeds, subseeds)
}

// switchModel loads a checkpoint (the caller holds the queue).
func (s *Server) switchModel(rq *request, title string) {
	s.waitCtx(rq.r.Context(), s.opts.ModelLoadDuration)
	s.mu.Lock()
	defer s.mu.Unlock()
	title = s.loadedLocked(title)
	if s.options["sd_model_checkpoint"] != title {
		s.options["sd_model_checkpoint"] = title
		s.switches++
	}
}

// resolve applies defaults and the fake's checks; resp is the error reply.
func (s *Server) resolve(p params, img2img bool) (genSpec, *response) {
	g := genSpec{img2img: img2img}
	if v, present := p["prompt"]; present && v == nil {
		r := exception("AssertionError", "")
		return g, &r
	}
	g.prompt, g.negative = p.str("prompt", ""), p.str("negative_prompt", "")
	g.seed, g.subseed = int64(p.int("seed", -1)), int64(p.int("subseed", -1))
	g.subseedStrength = p.float("subseed_strength", 0)
	g.steps, g.batch, g.nIter = p.int("steps", 50), p.int("batch_size", 1), p.int("n_iter", 1)
	g.cfg = p.float("cfg_scale", 7)
	g.width, g.height = p.int("width", 512), p.int("height", 512)
	g.sendImages = p.bool("send_images", true)
	g.restore = p.bool("override_settings_restore_afterwards", true)
	if p.has("denoising_strength") {
		d := p.float("denoising_strength", 0)
		g.denoise = &d
	} else if img2img {
		d := 0.75
		g.denoise = &d
	}

	var probs []problem
	value := func(msg string, loc ...any) {
		probs = append(probs, problem{loc: append([]any{"body"}, loc...), kind: "value", msg: msg})
	}
	if g.steps < 1 || g.steps > 1000 {
		value("steps must be between 1 and 1000", "steps")
	}
	if g.batch < 1 || g.batch > 64 {
		value("batch_size must be between 1 and 64", "batch_size")
	}
	if g.nIter < 1 || g.nIter > 1000 {
		value("n_iter must be between 1 and 1000", "n_iter")
	}
	if g.seed < -1 {
		value("seed must be -1 or a non-negative integer", "seed")
	}
	if g.subseedStrength < 0 || g.subseedStrength > 1 {
		value("subseed_strength must be between 0 and 1", "subseed_strength")
	}
	if g.denoise != nil && (*g.denoise < 0 || *g.denoise > 1) {
		value("denoising_strength must be between 0 and 1", "denoising_strength")
	}
	samplerName := p.str("sampler_name", "")
	if samplerName == "" {
		samplerName = p.str("sampler_index", "Euler")
	}
	sampler, schedule, msg := resolveSampler(samplerName, p.str("scheduler", ""))
	if msg != "" {
		value(msg, "sampler_name")
	}
	g.sampler, g.schedule = sampler, schedule

	// img2img inputs.
	if img2img {
		if r := s.resolveInit(p, &g, value); r != nil {
			return g, r
		}
	}
	if g.width < 8 || g.width > 8192 || g.height < 8 || g.height > 8192 {
		value("width and height must be between 8 and 8192", "width")
	}

	// Hires fix.
	g.hires = !img2img && p.bool("enable_hr", false)
	if g.hires {
		if !p.has("denoising_strength") {
			value("denoising_strength is required when enable_hr is true (the API's default is null)", "denoising_strength")
		}
		g.hrScale = p.float("hr_scale", 2)
		g.hrSteps = p.int("hr_second_pass_steps", 0)
		g.hrW, g.hrH = p.int("hr_resize_x", 0), p.int("hr_resize_y", 0)
		g.hrResize = g.hrW != 0 || g.hrH != 0
		if g.hrSteps < 0 {
			value("hr_second_pass_steps must not be negative", "hr_second_pass_steps")
		}
		if !g.hrResize && (g.hrScale < 1 || g.hrScale > 8) {
			value("hr_scale must be between 1 and 8", "hr_scale")
		}
		if hs := p.str("hr_sampler_name", ""); hs != "" {
			name, _, msg := resolveSampler(hs, p.str("hr_scheduler", ""))
			if msg != "" {
				value(msg, "hr_sampler_name")
			}
			if name != sampler {
				g.hrSampler = name
			}
		}
	}
	g.firstW, g.firstH = g.width, g.height
	g.hrOutW, g.hrOutH = g.width, g.height
	if g.hires {
		switch {
		case g.hrW != 0 && g.hrH != 0:
			g.hrOutW, g.hrOutH = g.hrW, g.hrH
		case g.hrW != 0:
			g.hrOutW, g.hrOutH = g.hrW, g.hrW*g.height/max(g.width, 1)
		case g.hrH != 0:
			g.hrOutW, g.hrOutH = g.hrH*g.width/max(g.height, 1), g.hrH
		default:
			g.hrOutW, g.hrOutH = int(float64(g.width)*g.hrScale), int(float64(g.height)*g.hrScale)
		}
	}
	if g.hrOutW*g.hrOutH > maxPixels || g.hrOutW < 1 || g.hrOutH < 1 {
		value(fmt.Sprintf("output size %dx%d is too large for the fake", g.hrOutW, g.hrOutH), "width")
	}

	// Refiner.
	if ref := p.str("refiner_checkpoint", ""); ref != "" && ref != "None" {
		g.refinerSwitch = p.float("refiner_switch_at", 0)
		if g.refinerSwitch <= 0 || g.refinerSwitch >= 1 {
			value("refiner_switch_at must be between 0 and 1 when refiner_checkpoint is set", "refiner_switch_at")
		}
		ck, ok := s.findCheckpoint(ref)
		if !ok && len(probs) == 0 {
			r := exception("Exception", fmt.Sprintf("Could not find checkpoint with name %s", ref))
			return g, &r
		}
		g.refiner = &ck
	}

	// Scripts.
	if sn := p.str("script_name", ""); sn != "" {
		r := httpException(http.StatusUnprocessableEntity, fmt.Sprintf("Script '%s' not found", sn))
		return g, &r
	}
	for _, title := range sortedKeys(p.dict("alwayson_scripts")) {
		script := p.dict("alwayson_scripts")[title]
		isAD := strings.EqualFold(title, "ADetailer") && !s.opts.NoADetailer
		known := isAD || slices.ContainsFunc(s.opts.Scripts, func(t string) bool { return strings.EqualFold(t, title) })
		if !known {
			r := httpException(http.StatusUnprocessableEntity, fmt.Sprintf("Script '%s' not found", title))
			return g, &r
		}
		sm, ok := script.(map[string]any)
		args, argsOK := sm["args"].([]any)
		if !ok || !argsOK || len(sm) != 1 {
			probs = append(probs, problem{loc: []any{"body", "alwayson_scripts", title}, kind: "value",
				msg: `an always-on script entry must be {"args": [...]}`})
			continue
		}
		if isAD {
			units, adProbs := s.checkADetailer(title, args)
			probs = append(probs, adProbs...)
			g.units = units
			g.adEnabled = len(args) > 0 && args[0] == true
		}
	}
	if len(probs) > 0 {
		r := s.validation(probs)
		return g, &r
	}

	// Errors the real WebUI raises while processing (500).
	if g.hires {
		up := p.str("hr_upscaler", "")
		if up == "" {
			up, _ = s.optionValue("latent_upscale_default_mode").(string)
		}
		if !slices.Contains(LatentUpscaleModes, up) && !slices.Contains(s.upscalerNames(), up) {
			r := exception("Exception", fmt.Sprintf("could not find upscaler named %s", up))
			return g, &r
		}
		g.hrUpscaler = p.str("hr_upscaler", "")
		if hc := p.str("hr_checkpoint_name", ""); hc != "" && hc != "Use same checkpoint" {
			ck, ok := s.findCheckpoint(hc)
			if !ok {
				r := exception("Exception", fmt.Sprintf("Could not find checkpoint with name %s", hc))
				return g, &r
			}
			g.hrCheckpoint = ck.title
		}
	}
	g.clipSkip = 1
	if f, ok := s.optionValue("CLIP_stop_at_last_layers").(float64); ok {
		g.clipSkip = int(f)
	}
	overrides := p.dict("override_settings")
	for _, k := range sortedKeys(overrides) {
		v := overrides[k]
		if !s.hasOption(k) {
			r := exception("KeyError", fmt.Sprintf("'%s'", k))
			return g, &r
		}
		switch k {
		case "sd_model_checkpoint":
			if name, ok := v.(string); ok {
				if ck, found := s.findCheckpoint(name); found {
					g.override = &ck
				} // unresolvable: silently dropped like A1111
			}
		case "CLIP_stop_at_last_layers":
			f, ok := v.(float64)
			if !ok || f < 1 || f > 12 {
				return g, s.invalid("CLIP_stop_at_last_layers must be a number 1..12", "override_settings", k)
			}
			g.clipSkip = int(f)
		}
	}
	g.samplingSteps = g.steps
	if img2img && g.denoise != nil {
		g.samplingSteps = max(1, int(float64(g.steps)**g.denoise))
	}
	return g, nil
}

// resolveInit checks init_images and the mask and takes the size from the
// first init image unless width/height are given.
func (s *Server) resolveInit(p params, g *genSpec, value func(string, ...any)) *response {
	if !p.has("init_images") {
		r := httpException(http.StatusNotFound, "Init image not found")
		return &r
	}
	imgs := p.strs("init_images")
	if len(imgs) == 0 {
		value("init_images must hold at least one image", "init_images")
		return nil
	}
	for i, b := range imgs {
		_, cfg, err := decodeB64Image(b)
		if err != nil {
			r := httpException(http.StatusInternalServerError, "Invalid encoded image")
			return &r
		}
		if i == 0 {
			if !p.has("width") {
				g.width = cfg.Width
			}
			if !p.has("height") {
				g.height = cfg.Height
			}
		}
	}
	if len(imgs) > g.batch {
		r := exception("RuntimeError", fmt.Sprintf("bad number of images passed: %d; expecting %d or less", len(imgs), g.batch))
		return &r
	}
	if m := p.str("mask", ""); m != "" {
		if _, _, err := decodeB64Image(m); err != nil {
			r := httpException(http.StatusInternalServerError, "Invalid encoded image")
			return &r
		}
		g.hasMask = true
		g.maskBlur = p.int("mask_blur", p.int("mask_blur_x", 4))
		g.inpaintFullRes = p.bool("inpaint_full_res", true)
	}
	return nil
}

// resolveSampler resolves a sampler name, splitting a trailing scheduler
// label ("DPM++ 2M Karras"), and the scheduler; msg explains a failure
// (the real WebUI silently falls back to DPM++ 2M / Automatic instead).
func resolveSampler(name, scheduler string) (sampler, schedule, msg string) {
	def, ok := findSampler(name)
	if !ok {
		for _, sc := range schedulers[1:] {
			if base, cut := strings.CutSuffix(name, " "+sc.label); cut {
				if d, found := findSampler(base); found {
					def, ok = d, true
					if scheduler == "" || strings.EqualFold(scheduler, "automatic") {
						scheduler = sc.label
					}
					break
				}
			}
		}
	}
	if !ok {
		return name, "", fmt.Sprintf("unknown sampler '%s' (the real WebUI silently uses DPM++ 2M)", name)
	}
	if scheduler == "" || strings.EqualFold(scheduler, "automatic") {
		label := "Automatic"
		if sc, found := findScheduler(def.options["scheduler"]); found {
			label = sc.label
		}
		return def.name, label, ""
	}
	sc, found := findScheduler(scheduler)
	if !found {
		return def.name, "", fmt.Sprintf("unknown scheduler '%s' (the real WebUI silently uses Automatic)", scheduler)
	}
	return def.name, sc.label, ""
}

func findSampler(name string) (samplerDef, bool) {
	for _, d := range samplers {
		if d.name == name {
			return d, true
		}
	}
	return samplerDef{}, false
}

func findScheduler(name string) (schedulerDef, bool) {
	if name == "" {
		return schedulerDef{}, false
	}
	for _, sc := range schedulers {
		if sc.label == name || sc.name == strings.ToLower(name) || slices.Contains(sc.aliases, name) {
			return sc, true
		}
	}
	return schedulerDef{}, false
}

// imageOut is one rendered image before encoding.
type imageOut struct {
	seed, subseed int64
	w, h          int
	firstPassOnly bool
}

// runJob simulates the job: n_iter batches of batch_size images, each
// batch a first pass and (with hires) a second pass.
func (s *Server) runJob(rq *request, g genSpec) (images []imageOut, seeds, subseeds []int64, aborted bool) {
	seed, subseed := g.seed, g.subseed
	s.mu.Lock()
	if seed == -1 {
		seed = s.rng.Int64N(4294967294)
	}
	if subseed == -1 {
		subseed = s.rng.Int64N(4294967294)
	}
	s.mu.Unlock()
	total := g.batch * g.nIter
	for i := range total {
		if g.subseedStrength > 0 {
			seeds = append(seeds, seed)
			subseeds = append(subseeds, subseed+int64(i))
		} else {
			seeds = append(seeds, seed+int64(i))
			subseeds = append(subseeds, subseed+int64(i))
		}
	}
	passes := 1
	if g.hires {
		passes = 2
	}
	name := "scripts_txt2img"
	if g.img2img {
		name = "scripts_img2img"
	}
	s.beginJob(name, g.nIter*passes)
	defer s.endJob()
	col := seedColor(seed)
	preview := func(step int) []byte { return previewPNG(col, step, g.samplingSteps) }

	for b := range g.nIter {
		s.beginPass(b*passes, g.samplingSteps, true)
		end, done := s.runPass(rq, g.samplingSteps, g.hang, preview)
		if end == passAborted {
			return nil, seeds, subseeds, true
		}
		batchSeeds := seeds[b*g.batch : (b+1)*g.batch]
		batchSubs := subseeds[b*g.batch : (b+1)*g.batch]
		addBatch := func(w, h int, firstOnly bool) {
			for j := range batchSeeds {
				images = append(images, imageOut{seed: batchSeeds[j], subseed: batchSubs[j], w: w, h: h, firstPassOnly: firstOnly})
			}
		}
		if end == passInterrupted {
			if done > 0 {
				addBatch(g.firstW, g.firstH, true)
			}
			break
		}
		if !g.hires || end == passSkipped {
			addBatch(g.hrOutW, g.hrOutH, false)
			if end == passSkipped && g.hires {
				images = images[:len(images)-len(batchSeeds)]
				addBatch(g.firstW, g.firstH, true)
			}
			continue
		}
		hrSteps := g.hrSteps
		if hrSteps == 0 {
			hrSteps = g.steps
		}
		if g.denoise != nil {
			hrSteps = max(1, int(float64(hrSteps)**g.denoise))
		}
		s.beginPass(b*passes+1, hrSteps, false)
		end, _ = s.runPass(rq, hrSteps, false, preview)
		switch end {
		case passAborted:
			return nil, seeds, subseeds, true
		case passInterrupted:
			addBatch(g.firstW, g.firstH, true)
		default:
			addBatch(g.hrOutW, g.hrOutH, false)
		}
		if end == passInterrupted {
			break
		}
	}
	return images, seeds, subseeds, false
}

// generationReply renders the images and builds {"images","parameters","info"}.
func (s *Server) generationReply(body map[string]any, g genSpec, model checkpoint, outs []imageOut, seeds, subseeds []int64) response {
	vae, _ := s.optionValue("sd_vae").(string)
	var infotexts []string
	images := []any{}
	for _, o := range outs {
		text := s.buildInfotext(g, model, vae, o)
		infotexts = append(infotexts, text)
		if !g.sendImages {
			continue
		}
		png, err := s.renderImage(o.w, o.h, seedColor(o.seed), text)
		if err != nil {
			return exception("RuntimeError", err.Error())
		}
		images = append(images, b64(png))
	}
	if infotexts == nil {
		infotexts = []string{}
	}
	var firstSeed, firstSub int64
	if len(seeds) > 0 {
		firstSeed, firstSub = seeds[0], subseeds[0]
	}
	prompts := make([]string, len(seeds))
	negs := make([]string, len(seeds))
	for i := range seeds {
		prompts[i], negs[i] = g.prompt, g.negative
	}
	var vaeName any
	if vae != "Automatic" && vae != "None" && vae != "" {
		vaeName = stem(vae)
	}
	var denoise any
	if g.denoise != nil {
		denoise = *g.denoise
	}
	extra := map[string]any{}
	for _, p := range s.extraParams(g) {
		extra[p.key] = p.val
	}
	info := map[string]any{
		"prompt": g.prompt, "all_prompts": prompts, "negative_prompt": g.negative, "all_negative_prompts": negs,
		"seed": firstSeed, "all_seeds": seeds, "subseed": firstSub, "all_subseeds": subseeds,
		"subseed_strength": g.subseedStrength, "width": g.firstW, "height": g.firstH,
		"sampler_name": g.sampler, "cfg_scale": g.cfg, "steps": g.steps, "batch_size": g.batch,
		"restore_faces": false, "face_restoration_model": nil,
		"sd_model_name": stem(model.filename), "sd_model_hash": model.hash,
		"sd_vae_name": vaeName, "sd_vae_hash": nil,
		"seed_resize_from_w": -1, "seed_resize_from_h": -1, "denoising_strength": denoise,
		"extra_generation_params": extra, "index_of_first_image": 0, "infotexts": infotexts,
		"styles": []string{}, "job_timestamp": s.jobTimestamp(), "clip_skip": g.clipSkip,
		"is_using_inpainting_conditioning": false, "version": Version,
	}
	infoJSON, err := json.Marshal(info)
	if err != nil {
		return exception("RuntimeError", err.Error())
	}
	return jsonResp(http.StatusOK, map[string]any{
		"images": images, "parameters": echoParameters(body, g.img2img), "info": string(infoJSON),
	})
}

func (s *Server) jobTimestamp() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.job.timestamp
}

// buildInfotext renders the "parameters" text of one image.
func (s *Server) buildInfotext(g genSpec, model checkpoint, vae string, o imageOut) string {
	pairs := []kv{
		{"Steps", g.steps}, {"Sampler", g.sampler}, {"Schedule type", g.schedule},
		{"CFG scale", g.cfg}, {"Seed", o.seed}, {"Size", fmt.Sprintf("%dx%d", g.firstW, g.firstH)},
		{"Model hash", model.hash}, {"Model", stem(model.filename)},
	}
	if vae != "Automatic" && vae != "None" && vae != "" {
		pairs = append(pairs, kv{"VAE", vae})
	}
	if g.subseedStrength > 0 {
		pairs = append(pairs, kv{"Variation seed", o.subseed}, kv{"Variation seed strength", g.subseedStrength})
	}
	if g.denoise != nil && (g.img2img || g.hires) {
		pairs = append(pairs, kv{"Denoising strength", *g.denoise})
	}
	if g.clipSkip > 1 {
		pairs = append(pairs, kv{"Clip skip", g.clipSkip})
	}
	pairs = append(pairs, s.extraParams(g)...)
	pairs = append(pairs, kv{"Version", Version})
	return infotext(g.prompt, g.negative, pairs)
}

// extraParams are the extra_generation_params in A1111's insertion order:
// scripts (ADetailer), hires, refiner, img2img.
func (s *Server) extraParams(g genSpec) []kv {
	var out []kv
	if g.adEnabled {
		out = append(out, adetailerInfotext(g.units)...)
	}
	if g.hires {
		if g.hrCheckpoint != "" {
			out = append(out, kv{"Hires checkpoint", g.hrCheckpoint})
		}
		if g.hrSampler != "" {
			out = append(out, kv{"Hires sampler", g.hrSampler})
		}
		if g.hrResize {
			out = append(out, kv{"Hires resize", fmt.Sprintf("%dx%d", g.hrOutW, g.hrOutH)})
		} else {
			out = append(out, kv{"Hires upscale", g.hrScale})
		}
		if g.hrSteps != 0 {
			out = append(out, kv{"Hires steps", g.hrSteps})
		}
		if g.hrUpscaler != "" {
			out = append(out, kv{"Hires upscaler", g.hrUpscaler})
		}
	}
	if g.refiner != nil {
		out = append(out, kv{"Refiner", g.refiner.title}, kv{"Refiner switch at", g.refinerSwitch})
	}
	if g.hasMask {
		out = append(out, kv{"Mask blur", g.maskBlur})
		if g.inpaintFullRes {
			out = append(out, kv{"Inpaint area", "Only masked"})
		}
	}
	return out
}

// echoParameters is the validated request with defaults filled in and the
// images dropped unless include_init_images.
func echoParameters(body map[string]any, img2img bool) map[string]any {
	out := map[string]any{
		"prompt": "", "negative_prompt": "", "styles": nil, "seed": -1, "subseed": -1, "subseed_strength": 0,
		"seed_resize_from_h": -1, "seed_resize_from_w": -1, "sampler_name": nil, "scheduler": nil,
		"batch_size": 1, "n_iter": 1, "steps": 50, "cfg_scale": 7.0, "width": 512, "height": 512,
		"restore_faces": nil, "tiling": nil, "do_not_save_samples": false, "do_not_save_grid": false,
		"eta": nil, "denoising_strength": nil, "s_min_uncond": nil, "s_churn": nil, "s_tmax": nil,
		"s_tmin": nil, "s_noise": nil, "override_settings": nil, "override_settings_restore_afterwards": true,
		"refiner_checkpoint": nil, "refiner_switch_at": nil, "disable_extra_networks": false,
		"firstpass_image": nil, "comments": nil, "force_task_id": nil, "sampler_index": "Euler",
		"script_name": nil, "script_args": []any{}, "send_images": true, "save_images": false,
		"alwayson_scripts": map[string]any{}, "infotext": nil,
	}
	if img2img {
		maps.Copy(out, map[string]any{
			"init_images": nil, "resize_mode": 0, "image_cfg_scale": nil, "mask": nil, "mask_blur_x": 4,
			"mask_blur_y": 4, "mask_blur": nil, "mask_round": true, "inpainting_fill": 0, "inpaint_full_res": true,
			"inpaint_full_res_padding": 0, "inpainting_mask_invert": 0, "initial_noise_multiplier": nil,
			"latent_mask": nil, "include_init_images": false, "denoising_strength": 0.75,
		})
	} else {
		maps.Copy(out, map[string]any{
			"enable_hr": false, "hr_scale": 2.0, "hr_upscaler": nil, "hr_second_pass_steps": 0,
			"hr_resize_x": 0, "hr_resize_y": 0, "hr_checkpoint_name": nil, "hr_sampler_name": nil,
			"hr_scheduler": nil, "hr_prompt": "", "hr_negative_prompt": "", "firstphase_width": 0, "firstphase_height": 0,
		})
	}
	for k, v := range body {
		out[k] = v
	}
	out["do_not_save_samples"] = !(out["save_images"] == true)
	out["do_not_save_grid"] = out["do_not_save_samples"]
	if img2img && out["include_init_images"] != true {
		out["init_images"], out["mask"] = nil, nil
	}
	return out
}
