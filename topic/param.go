package topic

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Kind is the type of a parameter's value.
type Kind int

// Parameter kinds.
const (
	Int Kind = iota
	Float
	Choice
	Bool // a switch: as a flag, --name alone means true
	// Text is a string given on the command line (a file to read, a
	// matrix typed in): checked by Check, shown on screen but not edited
	// there (the parameter panel leaves it out, as it does Headless ones)
	Text
)

// Param declares one parameter of a topic: its flag name, help, default and
// range. The screen's parameter panel, `jclub run TOPIC --help` and flag
// parsing are all built from these declarations.
type Param struct {
	Name    string  // flag name, e.g. "walkers"
	Help    string  // one line
	Unit    string  // shown after the value, e.g. "K"
	Kind    Kind    // Int, Float or Choice
	Default float64 // for Choice: the index into Choices
	// ByMode gives the default under some values of the experiment, as
	// text Set accepts ("0.1", an agent's name); the others take Default.
	// A parameter not set by hand follows its experiment's default.
	ByMode map[string]string
	// Allowed, if set, says which choices fit the other values (an agent
	// the task takes): ←→ skips the others, and a change of experiment by
	// ←→ that leaves the choice unfit puts it back to its default (given
	// on the command line, an unfit choice is the topic's Check to refuse).
	Allowed func(v Values, choice string) bool
	Min     float64  // Int and Float: inclusive range
	Max     float64  //
	Choices []string // Choice only
	// Step is the change of one ←/→ press. Zero means a 1-2-5 ladder
	// (…, 0.1, 0.2, 0.5, 1, 2, 5, …), the natural stepping of a scale,
	// unless Ladder lists the values to step through.
	Step   float64
	Ladder []float64
	// Modes lists the values of the topic's first choice parameter (its
	// mode or experiment) for which this parameter matters; empty means
	// always. If, when set, must also hold.
	Modes []string
	If    func(v Values) bool
	// Live marks a parameter that changing does not restart the
	// simulation: a side calculation (the Stokes–Einstein panel) or one the
	// screen applies to the running simulation (a temperature).
	Live bool
	// Headless marks a parameter only jclub run has (a multi-seed
	// comparison): the screen's parameter panel leaves it out.
	Headless bool
	// Check validates a Text value (nil: any); File marks a Text that names
	// a file on this machine, which the SSH server refuses.
	Check func(string) error
	File  bool
	// Experiment marks the topic's experiment (or mode) parameter, a
	// Choice or a Bool: Modes refer to its values, and jclub run --help
	// lists the columns of each.
	Experiment bool
}

// modes lists the experiments a parameter belongs to, for Param.Modes.
func modes(names ...string) []string { return names }

// choiceIn is a Param.If: the choice parameter named is one of values.
func choiceIn(name string, values ...string) func(v Values) bool {
	return func(v Values) bool { return slices.Contains(values, v.Choice(name)) }
}

// OnPanel reports whether the screen's parameter panel shows the
// parameter: not a Headless one, not a Text typed on the command line.
func (p Param) OnPanel() bool { return !p.Headless && p.Kind != Text }

// Values lists the values an experiment parameter can take.
func (p Param) Values() []string {
	if p.Kind == Bool {
		return []string{"false", "true"}
	}
	return p.Choices
}

// Range describes the valid values, for messages and help.
func (p Param) Range() string {
	switch p.Kind {
	case Choice:
		return "one of " + strings.Join(p.Choices, ", ")
	case Bool:
		return "true or false"
	case Int:
		return fmt.Sprintf("an integer %s..%s", fmtInt(p.Min), fmtInt(p.Max))
	case Text:
		return "text"
	}
	return fmt.Sprintf("%s..%s", fmtNum(p.Min), fmtNum(p.Max))
}

// Values holds a value for each of a topic's parameters, choices as indices,
// and the data directory of the topics that read MNIST (empty: the
// embedded copy).
type Values struct {
	ps    []Param
	v     []float64
	text  []string // the Text parameters' values ("" unset)
	set   []bool   // set by hand (Set or Nudge): no longer following ByMode
	mnist string
}

// MNISTDir is the directory the MNIST files are read from ("" embedded).
func (v Values) MNISTDir() string { return v.mnist }

// SetMNISTDir sets it.
func (v *Values) SetMNISTDir(dir string) { v.mnist = dir }

// Defaults returns the declared default of every parameter.
func Defaults(ps []Param) Values {
	v := Values{ps: ps, v: make([]float64, len(ps)), text: make([]string, len(ps)), set: make([]bool, len(ps))}
	for i, p := range ps {
		v.v[i] = p.Default
	}
	v.follow(false)
	return v
}

// Default is parameter i's default under the current experiment.
func (v Values) Default(i int) float64 {
	p := v.ps[i]
	k := ExperimentParam(v.ps)
	if k < 0 || p.ByMode == nil {
		return p.Default
	}
	text, ok := p.ByMode[v.Format(k)]
	if !ok {
		return p.Default
	}
	d := Values{ps: []Param{p}, v: []float64{0}}
	if err := d.parse(0, text); err != nil {
		panic("topic: bad ByMode default: " + err.Error()) // a declaration's error, caught by tests
	}
	return d.v[0]
}

// follow sets every parameter not set by hand to its default under the
// current experiment, and with refit, also those whose choice no longer
// fits.
func (v *Values) follow(refit bool) {
	for i, p := range v.ps {
		unfit := refit && p.Allowed != nil && !p.Allowed(*v, v.Format(i))
		if p.ByMode != nil && !v.isSet(i) || unfit {
			v.v[i] = v.Default(i)
		}
		if unfit {
			v.set[i] = false
		}
	}
}

func (v Values) isSet(i int) bool { return i < len(v.set) && v.set[i] }

// mark records that parameter i was set by hand, and lets the others
// follow a new experiment (refitting their choices: see Allowed).
func (v *Values) mark(i int, refit bool) {
	if len(v.set) < len(v.ps) {
		v.set = append(v.set, make([]bool, len(v.ps)-len(v.set))...)
	}
	v.set[i] = true
	if v.ps[i].Experiment {
		v.follow(refit)
	}
}

// Params returns the declarations.
func (v Values) Params() []Param { return v.ps }

// Clone returns an independent copy.
func (v Values) Clone() Values {
	return Values{ps: v.ps, v: append([]float64(nil), v.v...), text: append([]string(nil), v.text...),
		set: append([]bool(nil), v.set...), mnist: v.mnist}
}

func (v Values) index(name string) int {
	for i, p := range v.ps {
		if p.Name == name {
			return i
		}
	}
	panic("topic: no parameter " + name) // a programming error, caught by tests
}

// Float returns a parameter's value.
func (v Values) Float(name string) float64 { return v.v[v.index(name)] }

// Int returns an integer parameter's value.
func (v Values) Int(name string) int { return int(v.v[v.index(name)]) }

// Bool returns a switch's value.
func (v Values) Bool(name string) bool { return v.v[v.index(name)] != 0 }

// Text returns a Text parameter's value ("" if unset).
func (v Values) Text(name string) string {
	i := v.index(name)
	if i >= len(v.text) {
		return ""
	}
	return v.text[i]
}

// NoFiles refuses values that name a file on this machine (what the SSH
// server serves must not read its files for a client).
func (v Values) NoFiles() error {
	for i, p := range v.ps {
		if p.File && v.Format(i) != "" {
			return fmt.Errorf("--%s reads a file on this machine: not over SSH (run jclub on your own machine for that)", p.Name)
		}
	}
	return nil
}

// Choice returns a choice parameter's value.
func (v Values) Choice(name string) string {
	i := v.index(name)
	return v.ps[i].Choices[int(v.v[i])]
}

// Active reports whether parameter i matters in the current mode.
func (v Values) Active(i int) bool {
	p := v.ps[i]
	if p.If != nil && !p.If(v) {
		return false
	}
	if len(p.Modes) == 0 {
		return true
	}
	k := ExperimentParam(v.ps)
	if k < 0 {
		return true
	}
	mode := v.Format(k)
	for _, m := range p.Modes {
		if m == mode {
			return true
		}
	}
	return false
}

// ExperimentParam is the index of the parameter declared as the
// experiment, or -1.
func ExperimentParam(ps []Param) int {
	for i, p := range ps {
		if p.Experiment {
			return i
		}
	}
	return -1
}

// Set parses text as the value of the named parameter. The error names the
// parameter, the value and the valid range.
func (v *Values) Set(name, text string) error {
	i := -1
	for k, p := range v.ps {
		if p.Name == name {
			i = k
		}
	}
	if i < 0 {
		return fmt.Errorf("unknown parameter %q", name)
	}
	if err := v.parse(i, text); err != nil {
		return err
	}
	v.mark(i, false)
	return nil
}

// parse sets parameter i from text.
func (v *Values) parse(i int, text string) error {
	p := v.ps[i]
	bad := func() error { return fmt.Errorf("%s = %s: must be %s", p.Name, text, p.Range()) }
	switch p.Kind {
	case Text:
		if p.Check != nil {
			if err := p.Check(text); err != nil {
				return fmt.Errorf("%s: %w", p.Name, err)
			}
		}
		if len(v.text) < len(v.ps) {
			v.text = append(v.text, make([]string, len(v.ps)-len(v.text))...)
		}
		v.text[i] = text
	case Choice:
		for k, c := range p.Choices {
			if c == text {
				v.v[i] = float64(k)
				return nil
			}
		}
		return bad()
	case Bool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return bad()
		}
		v.v[i] = 0
		if b {
			v.v[i] = 1
		}
	case Int:
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || f != math.Trunc(f) || f < p.Min || f > p.Max {
			return bad()
		}
		v.v[i] = f
	default:
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || math.IsNaN(f) || f < p.Min || f > p.Max {
			return bad()
		}
		v.v[i] = f
	}
	return nil
}

// Format returns parameter i's value as text that Set accepts.
func (v Values) Format(i int) string {
	p := v.ps[i]
	switch p.Kind {
	case Text:
		if i < len(v.text) {
			return v.text[i]
		}
		return ""
	case Choice:
		return p.Choices[int(v.v[i])]
	case Bool:
		return strconv.FormatBool(v.v[i] != 0)
	case Int:
		return fmtInt(v.v[i])
	}
	return fmtNum(v.v[i])
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func fmtInt(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) }

// Nudge moves parameter i one step up (dir > 0) or down, within its range.
// Choices cycle. It reports whether the value changed.
func (v *Values) Nudge(i, dir int) bool {
	p := v.ps[i]
	if p.Kind == Text {
		return false // typed on the command line, not nudged
	}
	old := v.v[i]
	x := old
	switch {
	case p.Kind == Choice:
		n := len(p.Choices)
		for range n { // the next choice that fits, if any
			x = float64(((int(x)+dir)%n + n) % n)
			if p.Allowed == nil || p.Allowed(*v, p.Choices[int(x)]) {
				break
			}
		}
	case p.Kind == Bool:
		x = 1 - x
	case len(p.Ladder) > 0:
		x = onLadder(p.Ladder, old, dir)
	case p.Step > 0:
		x = old + float64(dir)*p.Step
		x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64) // no float drift
	default:
		x = ladder(old, dir)
	}
	if p.Kind == Int {
		x = math.Round(x)
		if x == old {
			x += float64(sign(dir))
		}
	}
	if p.Kind != Choice && p.Kind != Bool {
		x = math.Max(p.Min, math.Min(p.Max, x))
	}
	v.v[i] = x
	if x != old {
		v.mark(i, true)
	}
	return x != old
}

func sign(d int) int {
	if d < 0 {
		return -1
	}
	return 1
}

// onLadder returns the next value of an explicit ladder after x.
func onLadder(l []float64, x float64, dir int) float64 {
	if dir > 0 {
		for _, c := range l {
			if c > x {
				return c
			}
		}
		return x
	}
	for k := len(l) - 1; k >= 0; k-- {
		if l[k] < x {
			return l[k]
		}
	}
	return x
}

// ladder returns the next value after x on the 1-2-5 ladder
// (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …) in direction dir.
func ladder(x float64, dir int) float64 {
	if !(x > 0) {
		return x
	}
	e := math.Floor(math.Log10(x))
	var cands []float64
	for k := e - 1; k <= e+1; k++ {
		for _, m := range []float64{1, 2, 5} {
			cands = append(cands, m*math.Pow(10, k))
		}
	}
	if dir > 0 {
		for _, c := range cands {
			if c > x*(1+1e-9) {
				return c
			}
		}
	}
	for k := len(cands) - 1; k >= 0; k-- {
		if cands[k] < x*(1-1e-9) {
			return cands[k]
		}
	}
	return x
}

// Args returns the flags that reproduce the values that differ from the
// defaults, in declaration order: "--walkers", "500", ..., and --mnist DIR
// if one is set.
func (v Values) Args() []string {
	var out []string
	for i, p := range v.ps {
		if p.Kind == Text && v.Format(i) != "" && v.Active(i) || p.Kind != Text && v.v[i] != v.Default(i) && v.Active(i) {
			out = append(out, "--"+p.Name, v.Format(i))
		}
	}
	if v.mnist != "" {
		out = append(out, "--mnist", v.mnist)
	}
	return out
}
