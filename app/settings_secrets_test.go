package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"stablenew/pipeline/resources"
	"stablenew/pipeline/webui/webuitest"
)

func TestMoveURLCredentials(t *testing.T) {
	s := DefaultSettings()
	s.WebUIURLs = []string{"http://alice:s3cret@gpu1:7860", "http://gpu2:7860", "https://alice:s3cret@gpu3/sd"}
	s.ResourceMappings = []resources.Alias{{WebUI: "http://alice:s3cret@gpu1:7860", Kind: "checkpoint", Name: "a", Use: "b"}}
	if err := s.MoveURLCredentials(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.WebUIURLs, " "); got != "http://gpu1:7860 http://gpu2:7860 https://gpu3/sd" || s.APIAuth != "alice:s3cret" {
		t.Fatalf("URLs %q, auth %q", got, s.APIAuth)
	}
	if s.ResourceMappings[0].WebUI != "http://gpu1:7860" {
		t.Fatalf("mapping of %q", s.ResourceMappings[0].WebUI)
	}
	for _, tc := range []struct {
		urls []string
		auth string
		want string
	}{
		{[]string{"http://a:1@gpu1", "http://b:2@gpu2"}, "", "WebUI URLs http://gpu1 and http://gpu2 hold different credentials"},
		{[]string{"http://a:1@gpu1"}, "a:2", "WebUI URL http://gpu1 holds credentials that differ from the API auth setting"},
	} {
		s := Settings{WebUIURLs: tc.urls, APIAuth: tc.auth}
		err := s.MoveURLCredentials()
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), ":1@") {
			t.Errorf("%v, %q: %v", tc.urls, tc.auth, err)
		}
	}
}

// Settings saved from the dialog or read from a hand-written file hold the
// credentials in the API auth only; the backends and the settings in use
// name the WebUI without them.
func TestURLCredentialsMoveIntoTheAPIAuth(t *testing.T) {
	a := fakeWebUI(t, webuitest.Options{Seed: 1, Auth: "alice:s3cret"})
	withCreds := strings.Replace(a.URL(), "://", "://alice:s3cret@", 1)
	dir := t.TempDir()
	set := DefaultSettings()
	set.WebUIURLs = []string{withCreds}
	if err := SaveSettings(dir, set); err != nil {
		t.Fatal(err)
	}
	if set.WebUIURLs[0] != withCreds {
		t.Fatal("SaveSettings changed its argument")
	}
	data, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "@") || !strings.Contains(string(data), `"api_auth": "alice:s3cret"`) {
		t.Fatalf("settings.json:\n%s", data)
	}

	s := startServices(t, "", withCreds)
	if b := s.BackendList()[0]; b.URL != a.URL() || s.CurrentSettings().WebUIURLs[0] != a.URL() || s.CurrentSettings().APIAuth != "alice:s3cret" {
		t.Fatalf("backend %s, settings %+v", b.URL, s.CurrentSettings())
	}
	runJob(t, s, "url-creds")
	// From the dialog: the same.
	next := s.CurrentSettings()
	next.APIAuth = ""
	next.WebUIURLs = []string{withCreds}
	if err := s.ApplySettings(next); err != nil {
		t.Fatal(err)
	}
	if got := s.CurrentSettings(); got.WebUIURLs[0] != a.URL() || got.APIAuth != "alice:s3cret" {
		t.Fatalf("applied settings %+v", got)
	}
	runJob(t, s, "url-creds-applied")
}
