package topic

import (
	"fmt"
	"math"
	"strings"
)

// Question is one of the club's questions as an experiment: the set-up
// that answers it (parameters, seed), the line that says what to do and
// what to look at, and the check that the observable it points to moves
// the way that line says, on a headless run of the set-up.
type Question struct {
	ID   string // short, unique within the topic: jclub open TOPIC --question ID
	Text string // the question, in the project's words
	From string // the post or paper that asks it
	// Set is the set-up as flags ("--capacity", "true", ...); Seed its seed
	Set  []string
	Seed uint64
	// Steps is how many updates the headless run takes (0: the run's own
	// length: its epochs, trials or cycles)
	Steps int
	Do    string // one line: what to do and what to look at
	// Expect checks the headless run of the set-up: nil if the observable
	// moved as Do says
	Expect func(o Outcome) error
}

// Outcome is what a headless run produced.
type Outcome struct {
	Cols    []string
	Rows    [][]float64
	Summary map[string]float64
}

// Col is the named column (nil if there is none).
func (o Outcome) Col(name string) []float64 {
	for j, c := range o.Cols {
		if c == name {
			out := make([]float64, len(o.Rows))
			for i, r := range o.Rows {
				out[i] = r[j]
			}
			return out
		}
	}
	return nil
}

// Last is the named column's last value (NaN if none).
func (o Outcome) Last(name string) float64 {
	c := o.Col(name)
	if len(c) == 0 {
		return math.NaN()
	}
	return c[len(c)-1]
}

// First is the named column's first value (NaN if none).
func (o Outcome) First(name string) float64 {
	c := o.Col(name)
	if len(c) == 0 {
		return math.NaN()
	}
	return c[0]
}

// Meta is a summary figure (NaN if it is not there).
func (o Outcome) Meta(name string) float64 {
	if v, ok := o.Summary[name]; ok {
		return v
	}
	return math.NaN()
}

// Question finds a question of the topic by id; the error names the
// valid ids.
func (t *Topic) Question(id string) (*Question, error) {
	var ids []string
	for i := range t.Questions {
		if t.Questions[i].ID == id {
			return &t.Questions[i], nil
		}
		ids = append(ids, t.Questions[i].ID)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("question %q: topic %s has no questions", id, t.ID)
	}
	return nil, fmt.Errorf("question %q: topic %s's questions are %s", id, t.ID, strings.Join(ids, ", "))
}

// Values are the set-up's parameter values (the defaults, then Set).
func (q *Question) Values(t *Topic) (Values, error) {
	v := t.Defaults()
	if len(q.Set)%2 != 0 {
		return v, fmt.Errorf("question %s: its set-up is not flag, value pairs", q.ID)
	}
	for i := 0; i < len(q.Set); i += 2 {
		if err := v.Set(strings.TrimPrefix(q.Set[i], "--"), q.Set[i+1]); err != nil {
			return v, fmt.Errorf("question %s: %w", q.ID, err)
		}
	}
	if t.Check != nil {
		if err := t.Check(v); err != nil {
			return v, fmt.Errorf("question %s: %w", q.ID, err)
		}
	}
	return v, nil
}

// RunSteps is the --steps of the question's headless run.
func (q *Question) RunSteps(t *Topic, v Values) int {
	if q.Steps > 0 {
		return q.Steps
	}
	return t.DefaultSteps(v)
}

// Run runs the set-up headless, as jclub run TOPIC --question ID does.
func (q *Question) Run(t *Topic) (Outcome, error) {
	v, err := q.Values(t)
	if err != nil {
		return Outcome{}, err
	}
	var rows Rows
	if err := t.Run(v, q.Seed, q.RunSteps(t, v), t.Every, &rows); err != nil {
		return Outcome{}, err
	}
	return Outcome{Cols: t.Columns(v), Rows: rows.Rows, Summary: rows.Summary}, nil
}

// Command is the question's share line: jclub open TOPIC --question ID.
func (q *Question) Command(t *Topic) string {
	return "jclub open " + t.ID + " --question " + q.ID
}

// expectf returns an error unless ok.
func expectf(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// QuestionFlag is the --question flag of jclub open and run, setting *q.
func QuestionFlag(t *Topic, q **Question) Flag {
	var ids []string
	for _, x := range t.Questions {
		ids = append(ids, x.ID)
	}
	return Flag{Name: "question", Arg: "ID", Help: "set up one of the club's questions (its parameters, seed and, for run, steps): " + strings.Join(ids, ", "),
		Set: func(s string) error {
			x, err := t.Question(s)
			if err != nil {
				return err
			}
			*q = x
			return nil
		}}
}

// SetUp puts the question's set-up in v. given names the flags on the
// command line: a parameter among them is refused, since the question
// sets them all.
func (q *Question) SetUp(t *Topic, v *Values, given map[string]bool) error {
	for _, p := range t.Params {
		if given[p.Name] {
			return fmt.Errorf("--question %s sets the parameters: --%s cannot be given with it (change it on the screen)", q.ID, p.Name)
		}
	}
	x, err := q.Values(t)
	if err != nil {
		return err
	}
	if m := v.MNISTDir(); m != "" {
		x.SetMNISTDir(m)
	}
	*v = x
	return nil
}
