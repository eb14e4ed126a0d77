package resources

import (
	"path"
	"strings"
	"sync"
	"unicode/utf8"
)

// index holds the lookup tables of one Lists, built once on first use.
type index struct {
	ckptTitle map[string]int   // exact title
	ckptHash  map[string][]int // lower-case hash: the title's [hash], the short hash, SHA256 and its first 10 digits
	ckptRel   map[string][]int // folded relative file name, without hash, "/" separators
	ckptStem  map[string][]int // folded file stem
	ckptModel map[string][]int // folded model_name

	vaes, upscalers, hires, adModels *nameSet
	embeddings, skipped              *nameSet
	samplers, samplerAliases         *nameSet
	samplerOf                        map[string]string // sampler alias → sampler name
	schedulers                       *nameSet          // labels, names and aliases
	schedulerLabel                   map[string]string // any of them → label
	loras                            *nameSet          // names and aliases
	loraName                         map[string]string // name or alias → name

	simpleMu sync.Mutex
	simple   map[Kind][]simpleName // each kind's names for Closest, made on first use
}

// simpleNames are the names of kind, simplified for Closest (made once).
func (x *index) simpleNames(l *Lists, kind Kind) []simpleName {
	x.simpleMu.Lock()
	defer x.simpleMu.Unlock()
	s, ok := x.simple[kind]
	if !ok {
		if x.simple == nil {
			x.simple = map[Kind][]simpleName{}
		}
		s = simplifyAll(l.Names(kind))
		x.simple[kind] = s
	}
	return s
}

func (l *Lists) index() *index {
	l.once.Do(func() { l.idx = buildIndex(l) })
	return l.idx
}

func buildIndex(l *Lists) *index {
	x := &index{
		ckptTitle: make(map[string]int, len(l.Checkpoints)),
		ckptHash:  make(map[string][]int, 2*len(l.Checkpoints)),
		ckptRel:   make(map[string][]int, len(l.Checkpoints)),
		ckptStem:  make(map[string][]int, len(l.Checkpoints)),
		ckptModel: make(map[string][]int, len(l.Checkpoints)),
	}
	addHash := func(h string, i int) {
		if h = strings.ToLower(h); h != "" && !containsInt(x.ckptHash[h], i) {
			x.ckptHash[h] = append(x.ckptHash[h], i)
		}
	}
	for i, m := range l.Checkpoints {
		x.ckptTitle[m.Title] = i
		file, hash := splitHash(m.Title)
		addHash(hash, i)
		addHash(m.Hash, i)
		addHash(m.SHA256, i)
		if len(m.SHA256) >= 10 {
			addHash(m.SHA256[:10], i)
		}
		rel := fold(slashes(file))
		x.ckptRel[rel] = append(x.ckptRel[rel], i)
		st := fold(stem(file))
		x.ckptStem[st] = append(x.ckptStem[st], i)
		if m.ModelName != "" {
			mn := fold(m.ModelName)
			x.ckptModel[mn] = append(x.ckptModel[mn], i)
		}
	}
	x.vaes = newNameSet(l.VAEs)
	x.upscalers = newNameSet(l.Upscalers)
	var hires []string
	hires = append(hires, l.hiresLatentModes()...)
	for _, u := range l.Upscalers {
		if u != "None" {
			hires = append(hires, u)
		}
	}
	x.hires = newNameSet(hires)
	x.adModels = newNameSet(l.ADetailerModels)
	x.embeddings = newNameSet(l.Embeddings)
	x.skipped = newNameSet(l.SkippedEmbeddings)

	var names, aliases []string
	x.samplerOf = map[string]string{}
	for _, s := range l.Samplers {
		names = append(names, s.Name)
		for _, a := range s.Aliases {
			aliases = append(aliases, a)
			x.samplerOf[a] = s.Name
		}
	}
	x.samplers, x.samplerAliases = newNameSet(names), newNameSet(aliases)

	var sched []string
	x.schedulerLabel = map[string]string{}
	for _, s := range l.Schedulers {
		for _, n := range append([]string{s.Label, s.Name}, s.Aliases...) {
			if n == "" {
				continue
			}
			if _, dup := x.schedulerLabel[n]; !dup {
				sched = append(sched, n)
				x.schedulerLabel[n] = s.Label
			}
		}
	}
	x.schedulers = newNameSet(sched)

	var lora []string
	x.loraName = map[string]string{}
	for _, lr := range l.LoRAs {
		for _, n := range []string{lr.Name, lr.Alias} {
			if n == "" {
				continue
			}
			if _, dup := x.loraName[n]; !dup {
				lora = append(lora, n)
				x.loraName[n] = lr.Name
			}
		}
	}
	x.loras = newNameSet(lora)
	return x
}

// nameSet finds names exactly or regardless of letter case.
type nameSet struct {
	names []string
	exact map[string]struct{}
	folds map[string][]string
}

func newNameSet(names []string) *nameSet {
	s := &nameSet{names: names, exact: make(map[string]struct{}, len(names)), folds: make(map[string][]string, len(names))}
	for _, n := range names {
		if _, dup := s.exact[n]; dup {
			continue
		}
		s.exact[n] = struct{}{}
		f := fold(n)
		s.folds[f] = append(s.folds[f], n)
	}
	return s
}

func (s *nameSet) has(n string) bool {
	_, ok := s.exact[n]
	return ok
}

// byFold returns the names equal to n regardless of letter case.
func (s *nameSet) byFold(n string) []string { return s.folds[fold(n)] }

// splitHash splits "file [hash]" into the file and the hash; a name
// without a bracketed suffix has no hash.
func splitHash(title string) (file, hash string) {
	t := strings.TrimSpace(title)
	if i := strings.LastIndex(t, " ["); i > 0 && strings.HasSuffix(t, "]") {
		h := t[i+2 : len(t)-1]
		if isHex(h) {
			return strings.TrimSpace(t[:i]), h
		}
	}
	return t, ""
}

// isHex reports whether s is 8 or more hex digits: a checkpoint hash
// (legacy 8, short 10 or full 64).
func isHex(s string) bool {
	if len(s) < 8 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}

// slashes turns Windows separators into "/".
func slashes(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// stem is a file name without folders and model extension.
func stem(file string) string {
	b := path.Base(slashes(file))
	switch strings.ToLower(path.Ext(b)) {
	case ".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".sft":
		b = b[:len(b)-len(path.Ext(b))]
	}
	return b
}

// fold is the case-insensitive form of a name.
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
