package cli

import (
	"flag"
	"fmt"
)

// historyRate rates any completed job of the history, 1 to 5 stars.
func historyRate(env *Env, args []string) error {
	var note *string
	var stars *int
	dir, id, err := idArgs(env, "history rate", "JOB_ID --stars 1..5 [--note TEXT]",
		"the job id is required (stablenew history list shows them; the first 8 characters will do)", args, func(fs *flag.FlagSet) {
			stars = fs.Int("stars", 0, "the rating, 1 (worst) to 5 (best)")
			note = fs.String("note", "", "a note kept with the rating")
		})
	if err != nil {
		return err
	}
	if *stars < 1 || *stars > 5 {
		return usagef("--stars must be from 1 to 5, got %d", *stars)
	}
	svc, err := openServices(env, dir, backendFlags{}, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	full, err := svc.RateJob(id, *stars, *note)
	if err != nil {
		return ratingError(err)
	}
	fmt.Fprintf(env.Stdout, "Rated job %s: %d of 5.\n", full, *stars)
	return nil
}
