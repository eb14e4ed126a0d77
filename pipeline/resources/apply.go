package resources

import (
	"strings"

	"stablenew/pipeline"
)

// Applied is a job's configuration as it goes to one WebUI: every name
// replaced by the WebUI's exact one.
type Applied struct {
	// Config is a copy of the job's configuration with the WebUI's names;
	// the job's own stays as planned.
	Config *pipeline.PipelineConfig
	// Resolutions are every name of the job and what it became, in the
	// order of Needs.
	Resolutions []Resolution
}

// Mapped are the resolutions whose WebUI name differs from the job's.
func (a *Applied) Mapped() []Resolution {
	var out []Resolution
	for _, r := range a.Resolutions {
		if r.Mapped() {
			out = append(out, r)
		}
	}
	return out
}

// Problems are the names that did not resolve.
func (a *Applied) Problems() []Resolution {
	var out []Resolution
	for _, r := range a.Resolutions {
		if !r.OK() {
			out = append(out, r)
		}
	}
	return out
}

// Blocking are the problems the job cannot run with (see Kind.Required).
func (a *Applied) Blocking() []Resolution {
	var out []Resolution
	for _, r := range a.Resolutions {
		if !r.OK() && r.Kind.Required() {
			out = append(out, r)
		}
	}
	return out
}

// Apply resolves every name spec uses against v and returns a copy of its
// configuration with the WebUI's names: checkpoint titles, samplers,
// LoRA tags. Names that do not resolve are left as they are (Problems
// says which). The embeddings v recognises by bare word are those it
// lists.
func Apply(v *View, spec *pipeline.JobSpec) *Applied {
	c := spec.Config.Clone()
	a := &Applied{Config: &c}
	needs := Needs(spec, v.knownEmbeddings())
	res := make(map[key]Resolution, len(needs))
	for _, n := range needs {
		r := v.Resolve(n.Kind, n.Name)
		res[key{n.Kind, n.Name}] = r
		a.Resolutions = append(a.Resolutions, r)
	}
	for _, f := range refs(&c) {
		if f.p == nil {
			continue
		}
		if r, ok := res[key{f.kind, strings.TrimSpace(*f.p)}]; ok && r.Mapped() {
			*f.p = r.Used
		}
	}
	for _, p := range prompts(&c) {
		*p = rewriteLoRAs(*p, func(name string) string {
			if r, ok := res[key{KindLoRA, name}]; ok && r.Mapped() {
				return r.Used
			}
			return name
		})
	}
	return a
}

// rewriteLoRAs renames the LoRAs of a prompt's <lora:name:…> tags.
func rewriteLoRAs(prompt string, rename func(string) string) string {
	if !strings.Contains(prompt, "<lora:") {
		return prompt
	}
	var b strings.Builder
	rest := prompt
	for {
		i := strings.Index(rest, "<lora:")
		if i < 0 {
			break
		}
		b.WriteString(rest[:i+len("<lora:")])
		rest = rest[i+len("<lora:"):]
		end := strings.IndexAny(rest, ":>")
		if end < 0 {
			break
		}
		name := strings.TrimSpace(rest[:end])
		if to := rename(name); to != name && name != "" {
			b.WriteString(to)
		} else {
			b.WriteString(rest[:end])
		}
		rest = rest[end:]
	}
	b.WriteString(rest)
	return b.String()
}
