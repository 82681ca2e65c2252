// Package topic is the registry of jclub's topics: each topic's id, unit,
// summary, parameter declarations and headless run. The command line and the
// explorer's screens are both built from it; it imports no terminal package.
package topic

import (
	"fmt"
	"strings"
)

// Topic is one topic of the journal club.
type Topic struct {
	ID      string
	Unit    string
	Title   string
	Summary string
	// Papers are the club's readings, by author and year; Questions what
	// the screen lets a student answer by experiment (questions.go).
	Papers    []string
	Questions []Question
	Params    []Param
	Steps     int // default --steps of jclub run
	Every     int // default --every
	// Columns names what Run emits for the given values (an experiment
	// choice can change them); the first column is the step or time.
	Columns func(v Values) []string
	// Run advances a fresh simulation steps updates from seed and writes a
	// row every `every` updates (and at step 0), and any summary figures
	// (a fitted exponent) as meta. Nil while the topic is not built yet.
	Run func(v Values, seed uint64, steps, every int, out Out) error
	// Uses says whether a run with values v uses --steps and --every (nil:
	// both); a run refuses the flags it does not use.
	Uses func(v Values) (steps, every bool)
	// Natural, if set, reports that without --steps a run with values v
	// has a length of its own (its epochs, cycles or trials): Run then gets
	// steps < 0. With --steps N it stops after exactly N updates as the
	// screen counts them, so that the share line ends where the screen is.
	Natural func(v Values) bool
	// UsesMNIST topics take --mnist DIR to read the IDX files from DIR.
	UsesMNIST bool
	// Check, if set, refuses values that fit every range but not each
	// other (a choice that needs a Text given): jclub run and open report
	// it before anything starts.
	Check func(v Values) error
	// Adjust, if set, is called after the parameter named changed was
	// changed on screen from the values before, to keep others in step.
	Adjust func(v *Values, changed string, before Values)
}

// UsesSteps reports whether a run with v uses --steps and --every.
func (t *Topic) UsesSteps(v Values) (steps, every bool) {
	if t.Uses == nil {
		return true, true
	}
	return t.Uses(v)
}

// DefaultSteps is the --steps of a run with values v that does not give
// it: the topic's Steps, or −1 where the run has a length of its own.
func (t *Topic) DefaultSteps(v Values) int {
	if t.Natural != nil && t.Natural(v) {
		return -1
	}
	return t.Steps
}

// Built reports whether the topic can be run and opened.
func (t *Topic) Built() bool { return t.Run != nil }

// Defaults returns the topic's default parameter values.
func (t *Topic) Defaults() Values { return Defaults(t.Params) }

// Units in menu order.
const (
	UnitDiffusion = "Diffusion"
	UnitDeep      = "Deep learning"
)

// All lists every topic in menu order.
var All = []*Topic{
	Diffusion,
	Anomalous,
	Reynolds,
	Perceptron,
	Hopfield,
	Boltzmann,
	Backprop,
	Deep,
	Information,
	Control,
	ICA,
	CNN,
	RNN,
	RL,
}

// Lookup finds a topic by id. The error names the valid ids.
func Lookup(id string) (*Topic, error) {
	for _, t := range All {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, fmt.Errorf("unknown topic %q: must be one of %s", id, strings.Join(IDs(), ", "))
}

// IDs lists the topic ids in menu order.
func IDs() []string {
	ids := make([]string, len(All))
	for i, t := range All {
		ids[i] = t.ID
	}
	return ids
}

// BuiltIDs lists the ids of the topics that can be opened.
func BuiltIDs() []string {
	var ids []string
	for _, t := range All {
		if t.Built() {
			ids = append(ids, t.ID)
		}
	}
	return ids
}

func fixedColumns(cols ...string) func(Values) []string {
	return func(Values) []string { return cols }
}

// Out receives what a run produces: rows of the topic's columns, and named
// summary figures (JSON output carries them; CSV has rows only).
type Out interface {
	Row(row []float64)
	Meta(name string, value float64)
}

// Rows is an Out that keeps the rows and the summary in memory.
type Rows struct {
	Rows    [][]float64
	Summary map[string]float64
}

// Row keeps a copy of row.
func (r *Rows) Row(row []float64) { r.Rows = append(r.Rows, append([]float64(nil), row...)) }

// Meta keeps a summary figure.
func (r *Rows) Meta(name string, v float64) {
	if r.Summary == nil {
		r.Summary = map[string]float64{}
	}
	r.Summary[name] = v
}

// until is how many updates a run takes: steps, or natural where steps < 0.
func until(steps, natural int) int {
	if steps < 0 {
		return natural
	}
	return steps
}

// stepRows advances a run n times with step and calls row after every
// `every` steps and after the last.
func stepRows(n, every int, step, row func()) {
	for i := 1; i <= n; i++ {
		step()
		if i%every == 0 || i == n {
			row()
		}
	}
}
