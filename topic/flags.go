package topic

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Flag is one command-line flag: its name, help and setter.
type Flag struct {
	Name, Arg, Help, Def string
	Set                  func(string) error
	Boolean              bool // the value may be left out: --name means true
}

func ParamFlags(v *Values) []Flag {
	var specs []Flag
	for i, p := range v.Params() {
		arg := "X"
		switch p.Kind {
		case Int:
			arg = "N"
		case Choice:
			arg = strings.Join(p.Choices, "|")
		case Bool:
			arg = "[true|false]"
		case Text:
			arg = "TEXT"
			if p.File {
				arg = "FILE"
			}
		}
		help := p.Help
		if p.Kind == Int || p.Kind == Float {
			help += " (" + p.Range()
			if p.Unit != "" {
				help += " " + p.Unit
			}
			help += ")"
		}
		specs = append(specs, Flag{Name: p.Name, Arg: arg, Help: help, Def: v.Format(i) + byMode(v.Params(), p),
			Set: func(s string) error { return v.Set(p.Name, s) }, Boolean: p.Kind == Bool})
	}
	return specs
}

// byMode lists a parameter's defaults under other experiments, in the
// experiment's order: "; randomwalk 0.1, conditioning 0.1".
func byMode(ps []Param, p Param) string {
	k := ExperimentParam(ps)
	if k < 0 || len(p.ByMode) == 0 {
		return ""
	}
	var out []string
	for _, m := range ps[k].Values() {
		if d, ok := p.ByMode[m]; ok {
			out = append(out, m+" "+d)
		}
	}
	return " (--" + ps[k].Name + " " + strings.Join(out, ", ") + ")"
}

// ErrHelp is returned by ParseFlags for -h, --help and help.
var ErrHelp = errors.New("help requested")

// ParseFlags reads "--name value", "--name=value" and "-name value" forms.
// Errors name the flag and, for unknown flags, the valid ones.
func ParseFlags(args []string, specs []Flag) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if isHelp(a) || a == "-help" {
			return ErrHelp
		}
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			return fmt.Errorf("unexpected argument %q: flags are --name value", a)
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if k := strings.IndexByte(name, '='); k >= 0 {
			name, val, hasVal = name[:k], name[k+1:], true
		}
		var spec *Flag
		for k := range specs {
			if specs[k].Name == name {
				spec = &specs[k]
			}
		}
		if spec == nil {
			names := make([]string, len(specs))
			for k, s := range specs {
				names[k] = Dashes(s.Name) + s.Name
			}
			return fmt.Errorf("unknown flag --%s: valid flags are %s", name, strings.Join(names, ", "))
		}
		if !hasVal && spec.Boolean {
			val = "true"
			if i+1 < len(args) && (args[i+1] == "true" || args[i+1] == "false") {
				i++
				val = args[i]
			}
			hasVal = true
		}
		if !hasVal {
			if i+1 >= len(args) {
				return fmt.Errorf("flag --%s needs a value (%s)", name, spec.Arg)
			}
			i++
			val = args[i]
		}
		if err := spec.Set(val); err != nil {
			return err
		}
	}
	return nil
}

// dashes is the prefix a flag is shown with: -o, but --walkers (either works).
func Dashes(name string) string {
	if name == "o" {
		return "-"
	}
	return "--"
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "help" }

// SeedFlag is the --seed flag, setting *seed.
func SeedFlag(seed *uint64) Flag {
	return Flag{Name: "seed", Arg: "N", Def: "1", Help: "random seed (0..2^64-1)",
		Set: func(s string) (err error) {
			*seed, err = strconv.ParseUint(s, 10, 64)
			if err != nil {
				return fmt.Errorf("seed = %s: must be an integer 0..18446744073709551615", s)
			}
			return nil
		}}
}

// Open is what jclub open (and a topic line over SSH) asks for: a topic,
// its values and seed, and the steps to take on opening.
type Open struct {
	Topic *Topic
	Values
	Seed     uint64
	Steps    int
	Question *Question // set up by --question, if given
}

// ParseOpen reads "TOPIC [--param value ...] [--seed N] [--steps N]", the
// arguments of a topic line over SSH, for a built topic.
func ParseOpen(args []string) (Open, error) {
	if len(args) == 0 {
		return Open{}, fmt.Errorf("a topic is needed: one of %s", strings.Join(BuiltIDs(), ", "))
	}
	t, err := Lookup(args[0])
	if err != nil {
		return Open{}, err
	}
	if !t.Built() {
		return Open{}, fmt.Errorf("topic %s is not built yet: built topics are %s", t.ID, strings.Join(BuiltIDs(), ", "))
	}
	o := Open{Topic: t, Values: t.Defaults(), Seed: 1}
	steps := Flag{Name: "steps", Arg: "N", Def: "0", Help: "updates to take on opening",
		Set: func(s string) error {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 1_000_000 {
				return fmt.Errorf("steps = %s: must be an integer 0..1000000", s)
			}
			o.Steps = n
			return nil
		}}
	specs := append(ParamFlags(&o.Values), SeedFlag(&o.Seed), steps)
	if len(t.Questions) > 0 {
		specs = append(specs, QuestionFlag(t, &o.Question))
	}
	given := map[string]bool{}
	for i := range specs {
		set, name := specs[i].Set, specs[i].Name
		specs[i].Set = func(s string) error { given[name] = true; return set(s) }
	}
	if err := ParseFlags(args[1:], specs); err != nil {
		return Open{}, fmt.Errorf("%s: %w", t.ID, err)
	}
	if q := o.Question; q != nil {
		if err := q.SetUp(t, &o.Values, given); err != nil {
			return Open{}, fmt.Errorf("%s: %w", t.ID, err)
		}
		if !given["seed"] {
			o.Seed = q.Seed
		}
	}
	if t.Check != nil {
		if err := t.Check(o.Values); err != nil {
			return Open{}, fmt.Errorf("%s: %w", t.ID, err)
		}
	}
	if s, _ := t.UsesSteps(o.Values); !s && o.Steps > 0 {
		return Open{}, fmt.Errorf("%s: --steps is not used here", t.ID)
	}
	return o, nil
}
