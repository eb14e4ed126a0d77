package output

import (
	"encoding/json"
	"fmt"
	"strings"
)

// StableNewSchema is the schema of the "stablenew" PNG chunk.
const StableNewSchema = "stablenew/1"

// StableNewKeyword is the PNG text keyword of the StableNew chunk.
const StableNewKeyword = "stablenew"

// StableNewChunk is what StableNew stores in every image it saves, beside the
// WebUI's "parameters" infotext: enough to find the job again and to replay
// it exactly.
type StableNewChunk struct {
	Schema        string `json:"schema"` // StableNewSchema; filled in by Marshal
	JobID         string `json:"job_id"`
	Pack          string `json:"pack,omitempty"`
	PromptIndex   int    `json:"prompt_index"`
	Variant       int    `json:"variant"`
	Batch         int    `json:"batch"`
	ImageIndex    int    `json:"image_index,omitempty"` // index in the WebUI batch
	Stage         string `json:"stage"`
	SeedRequested int64  `json:"seed_requested"`
	SeedActual    int64  `json:"seed_actual"`
	ConfigHash    string `json:"config_hash,omitempty"`

	Prompt   string `json:"prompt,omitempty"`   // prompt sent to the WebUI
	Negative string `json:"negative,omitempty"` // negative prompt sent
	Template string `json:"template,omitempty"` // pack row before randomization
	// Picks are the randomizer's choices, e.g. {"[job]": "knight", "__weather__": "stormy"}.
	Picks map[string]string `json:"picks,omitempty"`
	// Experiment is set in a Learning grid image (Stage "grid"): the
	// experiment as planned (controller.Experiment JSON), so that it can be
	// run again from the image.
	Experiment json.RawMessage `json:"experiment,omitempty"`
}

// Marshal encodes c as compact JSON, setting Schema if empty.
func (c *StableNewChunk) Marshal() ([]byte, error) {
	cc := *c
	if cc.Schema == "" {
		cc.Schema = StableNewSchema
	}
	if err := checkStableNewSchema(cc.Schema); err != nil {
		return nil, err
	}
	b, err := json.Marshal(&cc)
	if err != nil {
		return nil, fmt.Errorf("output: stablenew chunk: %w", err)
	}
	return b, nil
}

// TextChunk returns c as the "stablenew" PNG text chunk, for AddPNGText.
func (c *StableNewChunk) TextChunk() (TextChunk, error) {
	b, err := c.Marshal()
	if err != nil {
		return TextChunk{}, err
	}
	return TextChunk{Keyword: StableNewKeyword, Text: string(b)}, nil
}

// ParseStableNewChunk decodes the JSON of a "stablenew" chunk. It accepts any
// "stablenew/1" schema (minor additions are ignored) and refuses others.
func ParseStableNewChunk(text string) (*StableNewChunk, error) {
	var c StableNewChunk
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		return nil, fmt.Errorf("output: stablenew chunk is not valid JSON: %w", err)
	}
	if err := checkStableNewSchema(c.Schema); err != nil {
		return nil, err
	}
	return &c, nil
}

func checkStableNewSchema(s string) error {
	if s == StableNewSchema || strings.HasPrefix(s, StableNewSchema+".") {
		return nil
	}
	return fmt.Errorf("output: stablenew chunk has schema %q; this version reads %q", s, StableNewSchema)
}
