package topic

import (
	"math"

	"github.com/jclub/jclub/sims"
)

// Reynolds models.
const (
	ModelScallop = "scallop"
	ModelSwimmer = "swimmer"
	ModelEcoli   = "ecoli"
)

func reynoldsModel(m string) func(Values) bool {
	return func(v Values) bool { return v.Choice("model") == m }
}

func names[T any](xs []T, name func(T) string) []string {
	out := make([]string, 0, len(xs)+1)
	for _, x := range xs {
		out = append(out, name(x))
	}
	return append(out, "custom")
}

// Reynolds is Purcell's "Life at Low Reynolds Number".
var Reynolds = &Topic{
	ID:      "reynolds",
	Unit:    UnitDiffusion,
	Title:   "Life at low Reynolds number",
	Summary: "Purcell's swimmers: the scallop theorem, a three-sphere swimmer, run-and-tumble chemotaxis",
	Papers: []string{
		"Purcell 1977: life at low Reynolds number",
		"Najafi and Golestanian 2004: a simple swimmer at low Reynolds number, three linked spheres",
		"Berg and Brown 1972: chemotaxis in Escherichia coli analysed by three-dimensional tracking",
	},
	Params: []Param{
		{Name: "model", Experiment: true, Kind: Choice, Choices: []string{ModelScallop, ModelSwimmer, ModelEcoli},
			Help: "scallop: a reciprocal stroke at low and high R; swimmer: three spheres with a phase lag; ecoli: run and tumble"},
		{Name: "ratio", Kind: Float, Default: 4, Min: 0.1, Max: 10, Step: 0.5, If: reynoldsModel(ModelScallop),
			Help: "scallop: opening time over closing time (4: opens slowly, closes fast)"},
		{Name: "stretch", Kind: Float, Default: 0, Min: 0, Max: 0.9, Step: 0.1, If: reynoldsModel(ModelScallop),
			Help: "scallop: the plates also telescope by this fraction (0: a plain scallop)"},
		{Name: "lag", Kind: Float, Default: 0.25, Min: 0, Max: 1, Step: 0.05, If: reynoldsModel(ModelScallop),
			Help: "scallop: delay of the stretch after the opening, in periods (0 or 1: still reciprocal; else a loop in shape space)"},
		{Name: "phase", Kind: Float, Default: 1, Min: -3.14, Max: 3.14, Step: 0.1, If: reynoldsModel(ModelSwimmer),
			Help: "swimmer: phase lag φ of the second arm, radians (0: reciprocal)"},
		{Name: "amplitude", Kind: Float, Default: 0.1, Min: 0.01, Max: 0.5, Step: 0.01, If: reynoldsModel(ModelSwimmer),
			Help: "swimmer: arm amplitude d in units of the arm length L"},
		{Name: "radius", Kind: Float, Default: 0.05, Min: 0.01, Max: 0.2, Step: 0.01, If: reynoldsModel(ModelSwimmer),
			Help: "swimmer: sphere radius a in units of L"},
		{Name: "cells", Kind: Int, Default: 500, Min: 1, Max: sims.MaxWalkers, If: reynoldsModel(ModelEcoli),
			Help: "ecoli: number of cells (speed 1, mean run time 1)"},
		{Name: "tumble", Kind: Choice, Choices: sims.Tumbles, Default: 1, If: reynoldsModel(ModelEcoli),
			Help: "ecoli: new direction uniform, or a turn of ±68° as E. coli"},
		{Name: "gradient", Kind: Float, Default: 0, Min: 0, Max: 0.1, Step: 0.005, If: reynoldsModel(ModelEcoli),
			Help: "ecoli: attractant gradient along x; runs up it are longer"},
		{Name: "gain", Kind: Float, Default: 50, Min: 0, Max: 1000, If: reynoldsModel(ModelEcoli),
			Help: "ecoli: tumble rate 1 − gain·gradient·cos θ (at least 0.1)"},
		{Name: "cycles", Kind: Int, Default: 20, Min: 1, Max: 100000,
			If:   func(v Values) bool { return v.Choice("model") != ModelEcoli },
			Help: "jclub run: strokes to run (one row per cycle)"},
		{Name: "swimmer", Kind: Choice, Choices: names(sims.Swimmers, func(s sims.Swimmer) string { return s.Name }), Default: 3, Live: true,
			Help: "calculator: the swimmer (custom: set length and speed)"},
		{Name: "length", Unit: "m", Kind: Float, Default: 2e-6, Min: 1e-9, Max: 100, Live: true,
			If: func(v Values) bool { return v.Choice("swimmer") == "custom" }, Help: "calculator: swimmer length L"},
		{Name: "speed", Unit: "m/s", Kind: Float, Default: 25e-6, Min: 1e-9, Max: 100, Live: true,
			If: func(v Values) bool { return v.Choice("swimmer") == "custom" }, Help: "calculator: swimming speed U"},
		{Name: "fluid", Kind: Choice, Choices: names(sims.Fluids, func(f sims.Fluid) string { return f.Name }), Live: true,
			Help: "calculator: the fluid (custom: set density and viscosity); jclub run scallop: syrup is low R, others high R"},
		{Name: "density", Unit: "kg/m³", Kind: Float, Default: 1000, Min: 0.01, Max: 20000, Live: true,
			If: func(v Values) bool { return v.Choice("fluid") == "custom" }, Help: "calculator: fluid density ρ"},
		{Name: "viscosity", Unit: "Pa·s", Kind: Float, Default: 1e-3, Min: 1e-6, Max: 1e4, Live: true,
			If: func(v Values) bool { return v.Choice("fluid") == "custom" }, Help: "calculator: fluid viscosity η"},
		{Name: "diffusivity", Unit: "m²/s", Kind: Float, Default: 1e-9, Min: 1e-14, Max: 1e-3, Live: true,
			Help: "Purcell's S: diffusivity D of the nutrient molecule (1e-9 m²/s: a small molecule in water)"},
	},
	Uses:    func(v Values) (bool, bool) { return true, v.Choice("model") == ModelEcoli },
	Natural: func(v Values) bool { return v.Choice("model") != ModelEcoli }, // cycles
	Steps:   1000,
	Every:   10,
	Columns: func(v Values) []string {
		if v.Choice("model") == ModelEcoli {
			return []string{"t", "msd", "mean_x"}
		}
		return []string{"cycle", "x"}
	},
	Run: runReynolds,
}

// Calculator returns the swimmer and fluid the calculator values describe.
func Calculator(v Values) Calc {
	sw, fl := calculator(v)
	return Calc{Swimmer: sw, Fluid: fl, D: v.Float("diffusivity")}
}

// Calc is the calculator's inputs: a swimmer in a fluid, and the
// diffusivity D (m²/s) of the nutrient of Purcell's S.
type Calc struct {
	Swimmer sims.Swimmer
	Fluid   sims.Fluid
	D       float64
}

func calculator(v Values) (sims.Swimmer, sims.Fluid) {
	s := sims.Swimmer{Name: "custom", L: v.Float("length"), U: v.Float("speed"), Density: 1000}
	if i := v.index("swimmer"); int(v.v[i]) < len(sims.Swimmers) {
		s = sims.Swimmers[int(v.v[i])]
	}
	f := sims.Fluid{Name: "custom", Density: v.Float("density"), Eta: v.Float("viscosity")}
	if i := v.index("fluid"); int(v.v[i]) < len(sims.Fluids) {
		f = sims.Fluids[int(v.v[i])]
	}
	return s, f
}

// ScallopParams is the scallop of the values: plates of unit length opening
// from 0.3 to 1.6 rad, a period of 2 split by ratio.
func ScallopParams(v Values) sims.ScallopParams {
	r := v.Float("ratio")
	closeT := 2 / (1 + r)
	return sims.ScallopParams{Plate: 1, Theta0: 0.3, Theta1: 1.6, Open: r * closeT, Close: closeT,
		Stretch: v.Float("stretch"), Lag: v.Float("lag"), Mass: 1, Drag: 1}
}

// SwimmerParams is the three-sphere swimmer of the values (L = 1, ω = 2π).
func SwimmerParams(v Values) sims.SwimmerParams {
	d := v.Float("amplitude")
	return sims.SwimmerParams{A: v.Float("radius"), L: 1, D1: d, D2: d, Omega: 2 * math.Pi, Phase: v.Float("phase")}
}

// RunTumbleParams is the run-and-tumble population of the values.
func RunTumbleParams(v Values) sims.RunTumbleParams {
	return sims.RunTumbleParams{Cells: v.Int("cells"), V: 1, Tau: 1, Tumble: v.Choice("tumble"),
		G: v.Float("gradient"), Gain: v.Float("gain"), Dt: 0.1}
}

// cycleRows takes n time steps of a stroke, with a row at the start, at
// the end of every cycle and at the end (in cycles, a fraction there).
func cycleRows(n int, step func(), row func(cycle float64)) {
	row(0)
	for i := 1; i <= n; i++ {
		step()
		if i%sims.StepsPerCycle == 0 || i == n {
			row(float64(i) / sims.StepsPerCycle)
		}
	}
}

func runReynolds(v Values, seed uint64, steps, every int, out Out) error {
	switch v.Choice("model") {
	case ModelScallop:
		s, err := sims.NewScallop(ScallopParams(v))
		if err != nil {
			return err
		}
		mid := s.MidHigh
		if v.Choice("fluid") == "syrup" {
			mid = s.MidLow
		}
		x0 := mid()
		cycleRows(until(steps, v.Int("cycles")*sims.StepsPerCycle), s.Step, func(c float64) { out.Row([]float64{c, mid() - x0}) })
		return nil
	case ModelSwimmer:
		p := SwimmerParams(v)
		s, err := sims.NewThreeSphere(p)
		if err != nil {
			return err
		}
		x0 := s.Centre()
		n := until(steps, v.Int("cycles")*sims.StepsPerCycle)
		cycleRows(n, s.Step, func(c float64) { out.Row([]float64{c, s.Centre() - x0}) })
		if n > 0 {
			out.Meta("speed", (s.Centre()-x0)/(float64(n)/sims.StepsPerCycle*2*math.Pi/p.Omega))
		}
		out.Meta("speed_formula", p.SpeedFormula())
		return nil
	}
	p := RunTumbleParams(v)
	r, err := sims.NewRunTumble(p, seed)
	if err != nil {
		return err
	}
	row := func() {
		m, _ := r.MeanX()
		out.Row([]float64{r.T(), r.MSD(), m})
	}
	row()
	stepRows(steps, every, r.Step, row)
	if D, se, ok := r.FitD(20 * p.Tau); ok {
		out.Meta("D_fit", D)
		out.Meta("D_se", se)
	}
	out.Meta("D_theory", p.DTheory())
	return nil
}
