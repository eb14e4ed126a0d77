package cli

import (
	"errors"
	"flag"
	"fmt"

	"stablenew/app"
	"stablenew/pipeline/queue"
)

// ratingFlags are --stars and --note of learn rate and history rate.
type ratingFlags struct {
	stars int
	note  string
}

func (r *ratingFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&r.stars, "stars", 0, "the rating, 1 (worst) to 5 (best)")
	fs.StringVar(&r.note, "note", "", "a note kept with the rating")
}

// rate checks the stars, opens the services of the data folder dir and
// stores the rating with store, which returns the rated job's id; it
// prints what was rated.
func (r *ratingFlags) rate(env *Env, dir, what string, store func(svc *app.Services) (string, error)) error {
	if r.stars < 1 || r.stars > 5 {
		return usagef("--stars must be from 1 to 5, got %d", r.stars)
	}
	svc, err := openServices(env, dir, backendFlags{}, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	job, err := store(svc)
	if err != nil {
		return ratingError(err)
	}
	fmt.Fprintf(env.Stdout, "Rated job %s%s: %d of 5.\n", job, what, r.stars)
	return nil
}

// ratingError makes a refused rating (bad stars, a job of another
// experiment or without images, an unknown job or experiment) exit 2.
func ratingError(err error) error {
	if errors.Is(err, queue.ErrBadRating) || errors.Is(err, queue.ErrNoExperiment) || errors.Is(err, queue.ErrNotFound) {
		return inputError{err}
	}
	return err
}

// historyRate rates any completed job of the history, 1 to 5 stars.
func historyRate(env *Env, args []string) error {
	var rf ratingFlags
	dir, id, err := idArgs(env, "history rate", "JOB_ID --stars 1..5 [--note TEXT]",
		"the job id is required (stablenew history list shows them; the first 8 characters will do)", args, rf.register)
	if err != nil {
		return err
	}
	return rf.rate(env, dir, "", func(svc *app.Services) (string, error) {
		return svc.RateJob(id, rf.stars, rf.note)
	})
}
