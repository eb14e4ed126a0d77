package gui

import (
	"testing"

	"stablenew/pipeline/webui"
)

func TestCheckpointTitle(t *testing.T) {
	res := &webui.Resources{Checkpoints: []webui.SDModel{
		{Title: "sd_xl_base_1.0.safetensors [31e35c80fc]", ModelName: "sd_xl_base_1.0", Hash: "31e35c80fc"},
		{Title: "SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]", ModelName: "SDXL_sd_xl_refiner_1.0", Hash: "7440042bbd",
			SHA256: "7440042bbdc8a24813002c09b6b69b64dc90fded4472613437b7f55f9b7d9c5f"},
	}}
	for _, tc := range []struct {
		res        *webui.Resources
		name, hash string
		want       string
	}{
		{res, "sd_xl_base_1.0", "31e35c80fc", "sd_xl_base_1.0.safetensors [31e35c80fc]"},
		{res, "renamed", "31E35C80FC", "sd_xl_base_1.0.safetensors [31e35c80fc]"},
		{res, "", "31e35c80fc", "sd_xl_base_1.0.safetensors [31e35c80fc]"},
		{res, "sd_xl_refiner_1.0 [7440042bbd]", "", "SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]"},
		{res, "sd_xl_refiner_1.0", "", "SDXL/sd_xl_refiner_1.0.safetensors [7440042bbd]"},
		{res, "dreamshaper_8", "879db523c3", "dreamshaper_8"},
		{nil, "sd_xl_base_1.0", "31e35c80fc", "sd_xl_base_1.0"},
	} {
		if got := checkpointResolver(tc.res)(tc.name, tc.hash); got != tc.want {
			t.Errorf("checkpointTitle(%q, %q) = %q, want %q", tc.name, tc.hash, got, tc.want)
		}
	}
}
