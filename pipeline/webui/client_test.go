package webui_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/webui"
	"stablenew/pipeline/webui/webuitest"
)

func TestNewBaseURL(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "http://127.0.0.1:7860", want: "http://127.0.0.1:7860"},
		{in: "127.0.0.1:7860/", want: "http://127.0.0.1:7860"},
		{in: " https://host/sd/ ", want: "https://host/sd"},
		{in: "", wantErr: true},
		{in: "ftp://host", wantErr: true},
		{in: "http://", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := webui.New(tt.in)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.BaseURL())
		})
	}
}

func TestListEndpointsRoundTrip(t *testing.T) {
	_, c, _ := newFake(t, webuitest.Options{})
	ctx := ctxT(t)
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"sd-models", func(t *testing.T) {
			m, err := c.SDModels(ctx)
			require.NoError(t, err)
			require.Len(t, m, len(webuitest.DefaultCheckpoints))
			assert.Equal(t, "sd_xl_base_1.0.safetensors [31e35c80fc]", m[0].Title)
			assert.Equal(t, "sd_xl_base_1.0", m[0].ModelName)
			assert.Equal(t, "31e35c80fc", m[0].Hash)
		}},
		{"sd-vae", func(t *testing.T) {
			v, err := c.SDVAE(ctx)
			require.NoError(t, err)
			require.Len(t, v, len(webuitest.DefaultVAEs))
			assert.Equal(t, "sdxl_vae.safetensors", v[0].ModelName)
		}},
		{"samplers", func(t *testing.T) {
			s, err := c.Samplers(ctx)
			require.NoError(t, err)
			require.Len(t, s, 20)
			assert.Equal(t, "DPM++ 2M", s[0].Name)
			assert.Equal(t, "karras", s[0].Options["scheduler"])
			assert.Equal(t, "True", s[1].Options["second_order"])
		}},
		{"schedulers", func(t *testing.T) {
			s, err := c.Schedulers(ctx)
			require.NoError(t, err)
			require.Len(t, s, 12)
			assert.Equal(t, "Karras", s[2].Label)
			assert.InDelta(t, 7.0, s[2].DefaultRho, 0)
		}},
		{"upscalers", func(t *testing.T) {
			u, err := c.Upscalers(ctx)
			require.NoError(t, err)
			names := make([]string, len(u))
			for i, x := range u {
				names[i] = x.Name
			}
			assert.Subset(t, names, []string{"None", "Lanczos", "Nearest", "R-ESRGAN 4x+", "4x-UltraSharp", "ESRGAN_4x"})
		}},
		{"latent-upscale-modes", func(t *testing.T) {
			m, err := c.LatentUpscaleModes(ctx)
			require.NoError(t, err)
			require.Len(t, m, 6)
			assert.Equal(t, "Latent", m[0].Name)
		}},
		{"loras", func(t *testing.T) {
			l, err := c.Loras(ctx)
			require.NoError(t, err)
			require.Len(t, l, len(webuitest.DefaultLoras))
			assert.Equal(t, "add-detail-xl", l[0].Name)
		}},
		{"embeddings", func(t *testing.T) {
			e, err := c.Embeddings(ctx)
			require.NoError(t, err)
			assert.Len(t, e.Loaded, len(webuitest.DefaultEmbeddings))
			assert.Equal(t, 2, e.Loaded["EasyNegative"].Vectors)
		}},
		{"options", func(t *testing.T) {
			o, err := c.Options(ctx)
			require.NoError(t, err)
			assert.Equal(t, "sd_xl_base_1.0.safetensors [31e35c80fc]", o["sd_model_checkpoint"])
			assert.Equal(t, 1.0, o["CLIP_stop_at_last_layers"]) // ints come back as floats
		}},
		{"adetailer", func(t *testing.T) {
			m, err := c.ADetailerModels(ctx)
			require.NoError(t, err)
			assert.Equal(t, webuitest.DefaultADetailerModels, m)
			v, err := c.ADetailerVersion(ctx)
			require.NoError(t, err)
			assert.Equal(t, "25.3.0", v)
			s, err := c.ADetailerSchema(ctx)
			require.NoError(t, err)
			props, _ := s["properties"].(map[string]any)
			assert.Contains(t, props, "ad_mask_k")
		}},
		{"refresh-ping-ready-progress", func(t *testing.T) {
			require.NoError(t, c.RefreshCheckpoints(ctx))
			require.NoError(t, c.Ping(ctx))
			require.NoError(t, c.Ready(ctx))
			p, err := c.Progress(ctx, true)
			require.NoError(t, err)
			assert.False(t, p.Busy())
			assert.Equal(t, "0", p.State.JobTimestamp)
		}},
		{"interrupt-skip-idle", func(t *testing.T) {
			require.NoError(t, c.Interrupt(ctx))
			require.NoError(t, c.Skip(ctx))
			p, err := c.Progress(ctx, true)
			require.NoError(t, err)
			assert.True(t, p.State.Interrupted, "interrupt flag stays visible while idle")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

func TestSetOptionsSwitchesModelOnce(t *testing.T) {
	srv, c, rec := newFake(t, webuitest.Options{})
	ctx := ctxT(t)
	refiner := "sd_xl_refiner_1.0.safetensors [7440042bbd]"
	require.NoError(t, c.SetOptions(ctx, map[string]any{"sd_model_checkpoint": refiner}))
	require.NoError(t, c.SetOptions(ctx, map[string]any{"sd_model_checkpoint": refiner}))
	assert.Equal(t, 1, srv.ModelSwitches(), "the same model twice loads once")
	assert.Equal(t, refiner, srv.CurrentModel())

	require.NoError(t, c.SetOptions(ctx, map[string]any{"sd_vae": "sdxl_vae.safetensors"}))
	assert.Equal(t, 1, srv.VAESwitches())

	before := srv.RequestCount("options")
	err := c.SetOptions(ctx, map[string]any{"sd_model_checkpoint": "nope.safetensors"})
	e := requireKind(t, err, webui.KindUnknownModel)
	assert.Equal(t, 500, e.Status)
	assert.Equal(t, "model 'nope.safetensors' not found", e.Message)
	assert.Equal(t, before+1, srv.RequestCount("options"), "unknown model is not retried")
	assert.Empty(t, rec.got())

	err = c.SetOptions(ctx, map[string]any{"bogus_key": 1})
	e = requireKind(t, err, webui.KindServer)
	assert.Equal(t, "KeyError: 'bogus_key'", e.Message)
}

func TestPNGInfoRoundTrip(t *testing.T) {
	_, c, _ := newFake(t, webuitest.Options{})
	ctx := ctxT(t)
	req := webui.NewTxt2ImgRequest("a lighthouse, at dusk", "blurry")
	req.Seed = 4242
	req.SamplerName = "DPM++ 2M"
	resp, err := c.Txt2Img(ctx, req)
	require.NoError(t, err)
	info, err := c.PNGInfo(ctx, resp.Images[0])
	require.NoError(t, err)
	assert.Equal(t, resp.Info.Infotexts[0], info.Info)
	assert.Equal(t, `a lighthouse, at dusk`, info.Parameters["Prompt"])
	assert.Equal(t, "blurry", info.Parameters["Negative prompt"])
	assert.Equal(t, "4242", info.Parameters["Seed"])
	assert.Equal(t, "Karras", info.Parameters["Schedule type"], "DPM++ 2M resolves to Karras")
	assert.Equal(t, "512", info.Parameters["Size-1"])
	assert.True(t, strings.HasSuffix(info.Info, "Version: v1.10.1"))
}

func TestRequestsCarryBasicAuth(t *testing.T) {
	srv := webuitest.New(webuitest.Options{Auth: "alice:secret"})
	t.Cleanup(srv.Close)
	ctx := ctxT(t)
	tests := []struct {
		name       string
		opts       []webui.Option
		wantDetail string
	}{
		{"no credentials", nil, "Not authenticated"},
		{"wrong password", []webui.Option{webui.WithBasicAuth("alice", "nope")}, "Incorrect username or password"},
		{"right password", []webui.Option{webui.WithBasicAuth("alice", "secret")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := webui.New(srv.URL(), append(tt.opts, webui.WithRetry(webui.NoRetry()))...)
			require.NoError(t, err)
			_, err = c.SDModels(ctx)
			if tt.wantDetail == "" {
				require.NoError(t, err)
			} else {
				e := requireKind(t, err, webui.KindAuth)
				assert.Equal(t, 401, e.Status)
				assert.Equal(t, tt.wantDetail, e.Message)
			}
			// Extension routes and /internal are not covered by --api-auth.
			_, err = c.Loras(ctx)
			require.NoError(t, err)
			require.NoError(t, c.Ping(ctx))
		})
	}
}

func TestForgeVAEFallsBackToSDModules(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{Flavor: webuitest.FlavorForge})
	vaes, err := c.SDVAE(ctxT(t))
	require.NoError(t, err)
	assert.Len(t, vaes, len(webuitest.DefaultVAEs))
	assert.Equal(t, 1, srv.RequestCount("sd-vae"))
	assert.Equal(t, 1, srv.RequestCount("sd-modules"))
}

func TestSDNextPingFallbackAnd204(t *testing.T) {
	srv, c, _ := newFake(t, webuitest.Options{Flavor: webuitest.FlavorSDNext})
	ctx := ctxT(t)
	require.NoError(t, c.Ping(ctx))
	assert.Equal(t, 1, srv.RequestCount("/internal/ping"))
	progress := srv.Requests("progress")
	require.Len(t, progress, 1)
	assert.Equal(t, "true", progress[0]["skip_current_image"])
	require.NoError(t, c.Interrupt(ctx), "204 from interrupt is accepted")
	require.NoError(t, c.Skip(ctx), "204 from skip is accepted")
	require.NoError(t, c.SetOptions(ctx, map[string]any{"sd_vae": "None"}), `{"updated":[]} is accepted`)
}

func TestDiscoverResources(t *testing.T) {
	t.Run("everything", func(t *testing.T) {
		_, c, _ := newFake(t, webuitest.Options{})
		r, err := c.DiscoverResources(ctxT(t))
		require.NoError(t, err)
		assert.Len(t, r.Checkpoints, 4)
		require.Len(t, r.VAEs, len(webuitest.DefaultVAEs))
		assert.Equal(t, webuitest.DefaultVAEs[0], r.VAEs[0].ModelName)
		assert.Contains(t, r.Samplers, webui.Sampler{Name: "Euler a", Aliases: []string{"k_euler_a", "k_euler_ancestral"},
			Options: map[string]string{"uses_ensd": "True"}})
		assert.True(t, slices.ContainsFunc(r.Schedulers, func(s webui.Scheduler) bool { return s.Label == "Align Your Steps" }))
		assert.True(t, slices.ContainsFunc(r.Upscalers, func(u webui.Upscaler) bool { return u.Name == "R-ESRGAN 4x+" }))
		assert.Equal(t, webuitest.LatentUpscaleModes, r.LatentUpscaleModes)
		assert.Len(t, r.Loras, 3)
		assert.Empty(t, r.Unavailable)
		assert.Equal(t, []string{"EasyNegative", "bad_hands_neg", "my_pos"}, r.Embeddings)
		assert.True(t, r.ADetailerInstalled)
		assert.Equal(t, "25.3.0", r.ADetailerVersion)
		assert.Contains(t, r.ADetailerModels, "face_yolov8n.pt")
		assert.False(t, r.FetchedAt.IsZero())
	})
	t.Run("no ADetailer, no Lora extension", func(t *testing.T) {
		_, c, _ := newFake(t, webuitest.Options{NoADetailer: true, NoLoras: true})
		r, err := c.DiscoverResources(ctxT(t))
		require.NoError(t, err)
		assert.False(t, r.ADetailerInstalled)
		assert.Empty(t, r.ADetailerModels)
		assert.Empty(t, r.Loras)
		assert.Len(t, r.Checkpoints, 4)
	})
	t.Run("essential list fails", func(t *testing.T) {
		srv, c, _ := newFake(t, webuitest.Options{}, webui.WithRetry(webui.NoRetry()))
		srv.InjectFault("sd-models", webuitest.Fault{Kind: webuitest.FaultServerError, Count: 1})
		_, err := c.DiscoverResources(ctxT(t))
		requireKind(t, err, webui.KindServer)
		assert.Contains(t, err.Error(), "discover checkpoints")
	})
}

func TestCanceledContext(t *testing.T) {
	_, c, _ := newFake(t, webuitest.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.SDModels(ctx)
	requireKind(t, err, webui.KindCanceled)
	assert.ErrorIs(t, err, context.Canceled)
}

// Credentials written into the URL are the client's Basic credentials,
// and nothing that names the WebUI holds them.
func TestCredentialsInTheURL(t *testing.T) {
	srv := webuitest.New(webuitest.Options{Auth: "alice:s3cret"})
	t.Cleanup(srv.Close)
	withCreds := strings.Replace(srv.URL(), "://", "://alice:s3cret@", 1)
	c, err := webui.New(withCreds, webui.WithRetry(webui.NoRetry()))
	require.NoError(t, err)
	assert.Equal(t, srv.URL(), c.BaseURL())
	_, err = c.SDModels(ctxT(t))
	require.NoError(t, err, "the URL's credentials are sent")
	// Explicit credentials win.
	c, err = webui.New(withCreds, webui.WithBasicAuth("alice", "nope"), webui.WithRetry(webui.NoRetry()))
	require.NoError(t, err)
	_, err = c.SDModels(ctxT(t))
	requireKind(t, err, webui.KindAuth)
	for _, bad := range []string{"ftp://alice:s3cret@host", "http://alice:s3cret@", "http://alice:s3cret@host:port:x"} {
		_, err := webui.New(bad)
		require.Error(t, err, bad)
		assert.NotContains(t, err.Error(), "s3cret")
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://alice:s3cret@host:7860/sd":             "http://***@host:7860/sd",
		"WebUI https://bob:p@ss@gpu.lan failed":        "WebUI https://***@gpu.lan failed",
		`dial "http://u:p@a" and http://c:d@b/x@y, ok`: `dial "http://***@a" and http://***@b/x@y, ok`,
		"http://host/sd@latest":                        "http://host/sd@latest",
		"mail me@example.com":                          "mail me@example.com",
	} {
		assert.Equal(t, want, webui.RedactURL(in), in)
	}
}
