package app

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"stablenew/pipeline"
	"stablenew/pipeline/queue"
	"stablenew/pipeline/webui/webuitest"
)

// fakeWebUI starts a fake WebUI that closes at the end of the test.
func fakeWebUI(t *testing.T, opts webuitest.Options) *webuitest.Server {
	t.Helper()
	srv := webuitest.New(opts)
	t.Cleanup(srv.Close)
	return srv
}

// startServices opens services on a new data folder with these WebUIs and
// API auth, starts them and closes them at the end of the test.
func startServices(t *testing.T, auth string, urls ...string) *Services {
	t.Helper()
	s, err := Open(OpenOptions{DataDir: t.TempDir(), WebUIURLs: urls, APIAuth: auth,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Start(nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// runJob submits one small txt2img job and waits until it ends, failing
// the test unless it completed.
func runJob(t *testing.T, s *Services, id string) {
	t.Helper()
	c := pipeline.Defaults()
	c.Txt2Img.Model = webuitest.DefaultCheckpoints[0]
	c.Txt2Img.Width, c.Txt2Img.Height, c.Txt2Img.Steps = 64, 64, 4
	c.Prompt.Positive = "a lighthouse at dusk"
	c.ADetailer.Enabled = false
	job := pipeline.JobSpec{JobID: id, RunMode: pipeline.RunModeQueue, Source: pipeline.SourceAddToQueue,
		Config: &c, VariantTotal: 1, BatchTotal: 1, OutputDir: t.TempDir(),
		FilenameTemplate: c.Output.FilenameTemplate, Seed: 1, SeedMode: pipeline.SeedFixed, CreatedAt: time.Now()}
	events, stop := s.Queue.Subscribe(1000)
	defer stop()
	if err := s.Queue.Submit([]pipeline.JobSpec{job}, false); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(20 * time.Second)
	for {
		select {
		case e := <-events:
			if e.JobID != id {
				continue
			}
			switch e.Kind {
			case queue.JobFinished:
				return
			case queue.JobFailed, queue.JobCancelled:
				t.Fatalf("job %s: %s: %s", id, e.Kind, e.Reason)
			}
		case <-deadline:
			t.Fatalf("job %s did not end in time", id)
		}
	}
}

// queueWorkers is the names of the queue's attached workers.
func queueWorkers(s *Services) map[string]bool {
	out := map[string]bool{}
	for _, b := range s.Queue.Backends() {
		out[b.Name] = true
	}
	return out
}

const txt2img = "/sdapi/v1/txt2img"

// Switching from WebUI A to WebUI B in the settings: the next job runs on
// B, and A gets nothing more.
func TestApplySettingsSwitchesBackend(t *testing.T) {
	a, b := fakeWebUI(t, webuitest.Options{Seed: 1}), fakeWebUI(t, webuitest.Options{Seed: 2})
	s := startServices(t, "", a.URL())
	runJob(t, s, "on-a")
	if n := len(a.Requests(txt2img)); n != 1 {
		t.Fatalf("A got %d txt2img requests, want 1", n)
	}
	next := s.CurrentSettings()
	next.WebUIURLs = []string{b.URL()}
	if err := s.ApplySettings(next); err != nil {
		t.Fatal(err)
	}
	list := s.BackendList()
	if len(list) != 1 || list[0].URL != b.URL() {
		t.Fatalf("backends = %v, want only %s", backendURLs(list), b.URL())
	}
	if w := queueWorkers(s); len(w) != 1 || !w[b.URL()] {
		t.Fatalf("queue workers = %v, want only %s", w, b.URL())
	}
	if got := s.CurrentSettings().WebUIURLs; len(got) != 1 || got[0] != b.URL() {
		t.Fatalf("settings URLs = %v", got)
	}
	runJob(t, s, "on-b")
	if n := len(b.Requests(txt2img)); n != 1 {
		t.Fatalf("B got %d txt2img requests, want 1", n)
	}
	if n := len(a.Requests(txt2img)); n != 1 {
		t.Fatalf("A got %d txt2img requests after it was removed, want still 1", n)
	}
}

// Keeping A and adding B: A's backend is kept as it was and the queue has
// two workers.
func TestApplySettingsKeepsAndAdds(t *testing.T) {
	a, b := fakeWebUI(t, webuitest.Options{Seed: 1}), fakeWebUI(t, webuitest.Options{Seed: 2})
	s := startServices(t, "", a.URL())
	before := s.BackendList()[0]
	next := s.CurrentSettings()
	next.WebUIURLs = []string{a.URL(), b.URL()}
	next.CheckpointAffinity = true
	if err := s.ApplySettings(next); err != nil {
		t.Fatal(err)
	}
	list := s.BackendList()
	if len(list) != 2 || list[0] != before || list[1].URL != b.URL() {
		t.Fatalf("backends = %v, want A (the same backend) then B", backendURLs(list))
	}
	if w := queueWorkers(s); len(w) != 2 || !w[a.URL()] || !w[b.URL()] {
		t.Fatalf("queue workers = %v, want A and B", w)
	}
	if !s.Queue.CheckpointAffinity() {
		t.Error("checkpoint affinity was not applied to the queue")
	}
	// Applying the same settings again changes nothing.
	if err := s.ApplySettings(next); err != nil {
		t.Fatal(err)
	}
	if again := s.BackendList(); again[0] != list[0] || again[1] != list[1] {
		t.Fatal("unchanged settings rebuilt the backends")
	}
}

// Changing the API auth rebuilds the backend with the new credentials:
// a WebUI that refused the old ones runs the next job.
func TestApplySettingsAuthRecreatesBackend(t *testing.T) {
	a := fakeWebUI(t, webuitest.Options{Seed: 1, Auth: "user:right"})
	s := startServices(t, "user:wrong", a.URL())
	before := s.BackendList()[0]
	next := s.CurrentSettings()
	next.APIAuth = "user:right"
	if err := s.ApplySettings(next); err != nil {
		t.Fatal(err)
	}
	list := s.BackendList()
	if len(list) != 1 || list[0] == before || list[0].URL != a.URL() {
		t.Fatalf("backends = %v: the backend must be rebuilt for the new auth", backendURLs(list))
	}
	if w := queueWorkers(s); len(w) != 1 {
		t.Fatalf("queue workers = %v, want one", w)
	}
	runJob(t, s, "with-auth")
	if n := len(a.Requests(txt2img)); n != 1 {
		t.Fatalf("A got %d txt2img requests, want 1", n)
	}
}

// Invalid settings change nothing.
func TestApplySettingsValidates(t *testing.T) {
	a := fakeWebUI(t, webuitest.Options{Seed: 1})
	s := startServices(t, "", a.URL())
	before := s.BackendList()
	next := s.CurrentSettings()
	next.WebUIURLs = []string{"not a url"}
	if err := s.ApplySettings(next); err == nil {
		t.Fatal("invalid URL accepted")
	}
	if after := s.BackendList(); len(after) != 1 || after[0] != before[0] {
		t.Fatal("invalid settings changed the backends")
	}
	if got := s.CurrentSettings().WebUIURLs; len(got) != 1 || got[0] != a.URL() {
		t.Fatalf("invalid settings changed the settings: %v", got)
	}
}

// Demo mode keeps its demo backend; the other settings apply.
func TestApplySettingsDemoKeepsDemoBackend(t *testing.T) {
	s, err := Open(OpenOptions{DataDir: t.TempDir(), Demo: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Start(nil); err != nil {
		t.Fatal(err)
	}
	before := s.BackendList()
	next := s.CurrentSettings()
	next.WebUIURLs = []string{"http://gpu2:7861"}
	next.Theme = "light"
	if err := s.ApplySettings(next); err != nil {
		t.Fatal(err)
	}
	after := s.BackendList()
	if len(after) != 1 || after[0] != before[0] || after[0].URL != s.Demo.URL() {
		t.Fatalf("backends = %v, want the demo backend only", backendURLs(after))
	}
	if got := s.CurrentSettings(); got.Theme != "light" || got.WebUIURLs[0] != s.Demo.URL() {
		t.Fatalf("settings = %+v", got)
	}
}

func backendURLs(list []*Backend) []string {
	var out []string
	for _, b := range list {
		out = append(out, b.URL)
	}
	return out
}
