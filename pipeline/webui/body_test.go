package webui_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stablenew/pipeline/webui"
)

// A reply cut short of its Content-Length is an error, never a shorter
// body read as if it were whole; a whole reply of known length is read as
// it came.
func TestReplyCutShortOfItsLengthIsAnError(t *testing.T) {
	body := `{"sd_model_checkpoint": "` + strings.Repeat("x", 5000) + `"}`
	var cut atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if cut.Load() {
			w.Write([]byte(body[:100]))
			panic(http.ErrAbortHandler) // the connection closes mid-body
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()
	c, err := webui.New(srv.URL, webui.WithRetry(webui.RetryPolicy{Attempts: 1}))
	require.NoError(t, err)

	opts, err := c.Options(t.Context())
	require.NoError(t, err)
	assert.Len(t, opts["sd_model_checkpoint"], 5000)

	cut.Store(true)
	_, err = c.Options(t.Context())
	require.Error(t, err)
	assert.True(t, webui.IsKind(err, webui.KindConnection), "%v", err)
}
