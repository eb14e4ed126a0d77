package resources

import (
	"fmt"
	"strings"
	"sync"
)

// How says how a name was matched to the WebUI's.
type How string

// The ways a name matches.
const (
	HowExact   How = "exact"
	HowMapping How = "your mapping"    // a mapping the user stored for this WebUI
	HowHash    How = "hash"            // the checkpoint's hash
	HowName    How = "file name"       // the relative file name, without hash
	HowStem    How = "file name alone" // the only file of that name, in some folder
	HowCase    How = "letter case"     // the same name in other letter case
	HowAlias   How = "alias"           // a listed alias (sampler, LoRA)
	HowSuffix  How = "schedule type in the name"
)

// Resolution is what one name became on one WebUI.
type Resolution struct {
	Kind Kind
	// Name is the name as the job gives it.
	Name string
	// Used is the WebUI's exact name for it, what requests carry ("" when
	// the name does not resolve).
	Used string
	How  How
	// Note is something the user should know about a match ("the WebUI's
	// file has another hash").
	Note string
	// Problem is why the name cannot be used ("" when it can): not found,
	// ambiguous, not loaded.
	Problem string
	// Candidates are the names an ambiguous name could mean.
	Candidates []string
	// Closest are the WebUI's names nearest to a name it lacks.
	Closest []string
}

// OK reports whether the name can be used.
func (r Resolution) OK() bool { return r.Problem == "" }

// Mapped reports whether the WebUI's name differs from the job's.
func (r Resolution) Mapped() bool { return r.OK() && r.Used != r.Name }

// Problem texts.
const (
	problemNotFound     = "not found"
	problemAmbiguous    = "ambiguous"
	problemNotLoaded    = "not loaded: it does not fit the loaded model"
	problemNoADetailer  = "not installed"
	problemStaleMapping = "your mapping names a title this WebUI no longer lists"
)

// Alias is a mapping the user chose: on WebUI, the Kind resource Name is
// Use. It is stored in the settings so the same name maps the same way next
// time.
type Alias struct {
	WebUI string `json:"webui" yaml:"webui"`
	Kind  Kind   `json:"kind" yaml:"kind"`
	Name  string `json:"name" yaml:"name"`
	Use   string `json:"use" yaml:"use"`
}

type key struct {
	kind Kind
	name string
}

// View is one WebUI's lists with the user's mappings for it: what names
// resolve against. It is safe for concurrent use and memoises resolutions.
type View struct {
	// WebUI names the WebUI in messages (its URL without credentials).
	WebUI string
	Lists *Lists

	aliases map[key]string
	mu      sync.Mutex
	memo    map[key]Resolution
	verdict map[string]Verdict
	known   *Embeddings // made on first use
}

// knownEmbeddings are the embeddings this WebUI knows, for recognising
// bare words in prompts.
func (v *View) knownEmbeddings() *Embeddings {
	if v.Lists == nil {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.known == nil {
		v.known = KnownEmbeddings(v.Lists)
	}
	return v.known
}

// NewView makes the view of lists under the mappings among aliases that
// are for webui (others are ignored).
func NewView(webui string, lists *Lists, aliases []Alias) *View {
	v := &View{WebUI: webui, Lists: lists, aliases: map[key]string{}, memo: map[key]Resolution{},
		verdict: map[string]Verdict{}}
	for _, a := range aliases {
		if a.WebUI == webui && a.Name != "" && a.Use != "" {
			v.aliases[key{a.Kind, a.Name}] = a.Use
		}
	}
	return v
}

// Resolve finds the WebUI's name for a resource the job names.
func (v *View) Resolve(kind Kind, name string) Resolution {
	k := key{kind, name}
	v.mu.Lock()
	r, ok := v.memo[k]
	v.mu.Unlock()
	if ok {
		return r
	}
	r = v.resolve(kind, name)
	v.mu.Lock()
	v.memo[k] = r
	v.mu.Unlock()
	return r
}

func (v *View) resolve(kind Kind, name string) Resolution {
	r := Resolution{Kind: kind, Name: name}
	l := v.Lists
	if l == nil || !l.Available(kind) {
		r.Used = name
		return r
	}
	x := l.index()
	if use, ok := v.aliases[key{kind, name}]; ok {
		if v.listed(kind, use) {
			r.Used, r.How = use, HowMapping
			return r
		}
		r.Problem = problemStaleMapping + " (" + use + ")"
		r.Closest = v.closest(kind, name)
		return r
	}
	switch kind {
	case KindCheckpoint:
		return v.resolveCheckpoint(r)
	case KindVAE:
		return resolveName(r, x.vaes, true, v.closestFn(kind))
	case KindUpscaler:
		return resolveName(r, x.upscalers, false, v.closestFn(kind))
	case KindHiresUpscaler:
		return resolveName(r, x.hires, false, v.closestFn(kind))
	case KindADetailer:
		r.Used, r.How = name, HowExact
		if !l.ADetailerInstalled {
			r.Used, r.Problem = "", problemNoADetailer
		}
		return r
	case KindADetailerModel:
		if !l.ADetailerInstalled {
			r.Used = name // the missing extension is the problem reported
			return r
		}
		return resolveName(r, x.adModels, false, v.closestFn(kind))
	case KindSampler:
		return v.resolveSampler(r)
	case KindScheduler:
		if len(l.Schedulers) == 0 {
			r.Used = name // the WebUI has no schedule types to check against
			return r
		}
		r = resolveName(r, x.schedulers, false, v.closestFn(kind))
		if r.OK() {
			r.Used = x.schedulerLabel[r.Used]
			if r.Used != name && r.How == HowExact {
				r.How = HowAlias
			}
		}
		return r
	case KindLoRA:
		r = resolveName(r, x.loras, false, v.closestFn(kind))
		if r.OK() {
			if n := x.loraName[r.Used]; n != r.Used {
				r.Used, r.How = n, HowAlias
			}
		}
		return r
	case KindEmbedding:
		// The prompt tokenizer folds case, so any case activates it.
		if x.embeddings.has(name) || len(x.embeddings.byFold(name)) > 0 {
			r.Used = name
			return r
		}
		if x.skipped.has(name) || len(x.skipped.byFold(name)) > 0 {
			r.Problem = problemNotLoaded
			return r
		}
		r.Problem = problemNotFound
		r.Closest = v.closest(kind, name)
		return r
	}
	r.Used = name
	return r
}

// resolveName matches a name exactly, then regardless of case, then (with
// byStem) by its file name without folder and extension.
func resolveName(r Resolution, set *nameSet, byStem bool, closest func(string) []string) Resolution {
	name := r.Name
	if set.has(name) {
		r.Used, r.How = name, HowExact
		return r
	}
	if c := set.byFold(name); len(c) == 1 {
		r.Used, r.How = c[0], HowCase
		return r
	} else if len(c) > 1 {
		r.Problem, r.Candidates = problemAmbiguous, c
		return r
	}
	if byStem {
		want := fold(stem(name))
		var c []string
		for _, n := range set.names {
			if fold(stem(n)) == want {
				c = append(c, n)
			}
		}
		if len(c) == 1 {
			r.Used, r.How = c[0], HowStem
			return r
		}
		if len(c) > 1 {
			r.Problem, r.Candidates = problemAmbiguous, c
			return r
		}
	}
	r.Problem = problemNotFound
	r.Closest = closest(name)
	return r
}

// resolveCheckpoint matches a checkpoint name by hash first, then by its
// relative file name, then by a unique file stem or model name. Requests
// then carry the WebUI's exact title.
func (v *View) resolveCheckpoint(r Resolution) Resolution {
	l, x := v.Lists, v.Lists.index()
	name := strings.TrimSpace(r.Name)
	if i, ok := x.ckptTitle[name]; ok {
		r.Used, r.How = l.Checkpoints[i].Title, HowExact
		return r
	}
	file, hash := splitHash(name)
	if hash == "" && isHex(file) && !strings.ContainsAny(file, "./\\") {
		file, hash = "", file // a bare hash
	}
	title := func(is []int) []string {
		out := make([]string, len(is))
		for k, i := range is {
			out[k] = l.Checkpoints[i].Title
		}
		return out
	}
	// pick prefers, among several titles of one file (the same hash in two
	// folders), the one whose relative name or stem matches the asked one.
	pick := func(is []int) int {
		for _, i := range is {
			f, _ := splitHash(l.Checkpoints[i].Title)
			if fold(slashes(f)) == fold(slashes(file)) {
				return i
			}
		}
		for _, i := range is {
			f, _ := splitHash(l.Checkpoints[i].Title)
			if fold(stem(f)) == fold(stem(file)) {
				return i
			}
		}
		return is[0]
	}
	if hash != "" {
		if is := x.ckptHash[strings.ToLower(hash)]; len(is) > 0 {
			i := pick(is)
			r.Used, r.How = l.Checkpoints[i].Title, HowHash
			if len(is) > 1 {
				r.Note = fmt.Sprintf("the same file is listed %d times; using %s", len(is), r.Used)
			}
			return r
		}
		if file == "" {
			r.Problem = problemNotFound
			r.Closest = v.closest(KindCheckpoint, name)
			return r
		}
	}
	// byName resolves among candidates found by name: one is the match;
	// several are told apart by hash or are ambiguous.
	byName := func(is []int, how How) (Resolution, bool) {
		switch {
		case len(is) == 0:
			return r, false
		case len(is) == 1:
			r.Used, r.How = l.Checkpoints[is[0]].Title, how
		default:
			r.Problem, r.Candidates = problemAmbiguous, title(is)
			return r, true
		}
		if _, h := splitHash(r.Used); hash != "" && h != "" && !strings.EqualFold(h, hash) {
			r.Note = fmt.Sprintf("the WebUI's file has another hash (%s, the job names %s): it may be another version", h, hash)
		}
		return r, true
	}
	if res, ok := byName(x.ckptRel[fold(slashes(file))], HowName); ok {
		return res
	}
	if res, ok := byName(x.ckptStem[fold(stem(file))], HowStem); ok {
		return res
	}
	if res, ok := byName(x.ckptModel[fold(file)], HowStem); ok {
		return res
	}
	r.Problem = problemNotFound
	r.Closest = v.closest(KindCheckpoint, name)
	return r
}

// resolveSampler matches a sampler by name, by a listed alias (A1111's API
// takes names only, so an alias is sent as the name), regardless of case,
// or as "name schedule type", which A1111 splits itself.
func (v *View) resolveSampler(r Resolution) Resolution {
	x := v.Lists.index()
	name := r.Name
	if x.samplers.has(name) {
		r.Used, r.How = name, HowExact
		return r
	}
	if x.samplerAliases.has(name) {
		r.Used, r.How = x.samplerOf[name], HowAlias
		return r
	}
	if c := x.samplers.byFold(name); len(c) == 1 {
		r.Used, r.How = c[0], HowCase
		return r
	}
	if c := x.samplerAliases.byFold(name); len(c) == 1 {
		r.Used, r.How = x.samplerOf[c[0]], HowAlias
		return r
	}
	for suffix := range x.schedulerLabel {
		if base, ok := strings.CutSuffix(name, " "+suffix); ok && x.samplers.has(base) {
			r.Used, r.How = name, HowSuffix
			return r
		}
	}
	r.Problem = problemNotFound
	r.Closest = v.closest(KindSampler, name)
	return r
}

// listed reports whether name is one of the WebUI's own names of kind.
func (v *View) listed(kind Kind, name string) bool {
	x := v.Lists.index()
	switch kind {
	case KindCheckpoint:
		_, ok := x.ckptTitle[name]
		return ok
	case KindVAE:
		return x.vaes.has(name)
	case KindUpscaler:
		return x.upscalers.has(name)
	case KindHiresUpscaler:
		return x.hires.has(name)
	case KindADetailerModel:
		return x.adModels.has(name)
	case KindSampler:
		return x.samplers.has(name)
	case KindScheduler:
		return x.schedulers.has(name)
	case KindLoRA:
		return x.loras.has(name)
	case KindEmbedding:
		return x.embeddings.has(name)
	}
	return false
}

// Names are the WebUI's names of kind, as offered for a mapping.
func (l *Lists) Names(kind Kind) []string {
	switch kind {
	case KindCheckpoint:
		return l.CheckpointTitles()
	case KindVAE:
		return l.VAENames()
	case KindUpscaler:
		return l.UpscalerNames()
	case KindHiresUpscaler:
		return l.HiresUpscalerNames()
	case KindADetailerModel:
		return l.ADetailerModelNames()
	case KindSampler:
		return l.SamplerNames()
	case KindScheduler:
		return l.SchedulerLabels()
	case KindLoRA:
		return l.LoRANames()
	case KindEmbedding:
		return append([]string(nil), l.Embeddings...)
	}
	return nil
}

func (v *View) closestFn(kind Kind) func(string) []string {
	return func(name string) []string { return v.closest(kind, name) }
}

func (v *View) closest(kind Kind, name string) []string {
	return closestAmong(name, v.Lists.index().simpleNames(v.Lists, kind), 3)
}

// CheckpointResolver turns a checkpoint named by an image's infotext
// ("Model: sd_xl_base_1.0, Model hash: 31e35c80fc") into the WebUI's title,
// for infotext.Options.Checkpoint. Without lists, or without a match, the
// name stays as written.
func CheckpointResolver(l *Lists) func(name, hash string) string {
	var v *View
	if l != nil {
		v = NewView("", l, nil)
	}
	return func(name, hash string) string {
		q := strings.TrimSpace(name)
		switch _, h := splitHash(q); {
		case q == "":
			q = hash
		case h == "" && hash != "":
			q += " [" + hash + "]"
		}
		if v == nil || q == "" {
			return name
		}
		if r := v.Resolve(KindCheckpoint, q); r.OK() {
			return r.Used
		}
		return name
	}
}
