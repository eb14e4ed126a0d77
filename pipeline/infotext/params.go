package infotext

import (
	"strconv"
)

// Pair is one "Key: value" of the parameter line, with the value unquoted.
type Pair struct {
	Key   string
	Value string
}

// Parameters is a parsed infotext.
type Parameters struct {
	Prompt   string // positive prompt, possibly several lines
	Negative string // negative prompt; empty when there is none
	// Pairs holds every key/value of the parameter line in file order,
	// unknown keys included. It is the source of truth for the accessors and
	// for Format.
	Pairs []Pair
	// Template and NegativeTemplate are the Dynamic Prompts template lines
	// ("Template: …", "Negative Template: …") written after the parameter line.
	Template         string
	NegativeTemplate string
	// Warnings lists what Parse had to tolerate: broken quoting, ignored
	// text, invalid UTF-8, values of the wrong type. Format ignores it.
	Warnings []string
}

// Get returns the value of key; when a key repeats, the last one wins, as in
// A1111.
func (p *Parameters) Get(key string) (string, bool) {
	for i := len(p.Pairs) - 1; i >= 0; i-- {
		if p.Pairs[i].Key == key {
			return p.Pairs[i].Value, true
		}
	}
	return "", false
}

// value returns the value of key or "".
func (p *Parameters) value(key string) string {
	v, _ := p.Get(key)
	return v
}

// Has reports whether key is present.
func (p *Parameters) Has(key string) bool {
	_, ok := p.Get(key)
	return ok
}

// Set sets key to value: the first occurrence is updated in place and any
// repeats removed; a new key is appended (Format puts it in A1111 order).
func (p *Parameters) Set(key, value string) {
	out := p.Pairs[:0]
	found := false
	for _, kv := range p.Pairs {
		if kv.Key == key {
			if found {
				continue
			}
			kv.Value, found = value, true
		}
		out = append(out, kv)
	}
	if !found {
		out = append(out, Pair{key, value})
	}
	p.Pairs = out
}

// SetInt sets key to a whole number.
func (p *Parameters) SetInt(key string, v int64) { p.Set(key, strconv.FormatInt(v, 10)) }

// SetFloat sets key to a float written Python-style ("7.0", "0.45").
func (p *Parameters) SetFloat(key string, v float64) { p.Set(key, PythonFloat(v)) }

// Delete removes every occurrence of key.
func (p *Parameters) Delete(key string) {
	out := p.Pairs[:0]
	for _, kv := range p.Pairs {
		if kv.Key != key {
			out = append(out, kv)
		}
	}
	p.Pairs = out
}

// Int returns the value of key as a whole number.
func (p *Parameters) Int(key string) (int64, bool) {
	v, ok := p.Get(key)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// Float returns the value of key as a float.
func (p *Parameters) Float(key string) (float64, bool) {
	v, ok := p.Get(key)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

// Unknown returns the pairs whose keys have no typed accessor and no fixed
// place in the A1111 order (extension keys and the like), in file order.
// They are kept by Parse and written by Format.
func (p *Parameters) Unknown() []Pair {
	var out []Pair
	for _, kv := range p.Pairs {
		if !isKnownKey(kv.Key) {
			out = append(out, kv)
		}
	}
	return out
}
