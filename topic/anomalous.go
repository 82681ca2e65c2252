package topic

import (
	"math"

	"github.com/jclub/jclub/sims"
)

func anomalousModel(models ...string) func(Values) bool {
	return func(v Values) bool {
		m := v.Choice("model")
		for _, x := range models {
			if m == x {
				return true
			}
		}
		return false
	}
}

// Anomalous is anomalous diffusion: MSD ∝ t^α with α ≠ 1.
var Anomalous = &Topic{
	ID:      "anomalous",
	Unit:    UnitDiffusion,
	Title:   "Anomalous diffusion",
	Summary: "CTRW, Lévy flights and walks, crowding, fBm; MSD ∝ t^α on log-log axes",
	Papers: []string{
		"Metzler and Klafter 2000: the random walk's guide to anomalous diffusion",
		"Codling, Plank and Benhamou 2008: random walk models in biology",
		"Höfling and Franosch 2013: anomalous transport in the crowded world of biological cells",
	},
	Params: []Param{
		{Name: "model", Experiment: true, Kind: Choice, Choices: sims.AnomalousModels,
			Help: "ctrw: wait then jump; levywalk: flights of power-law duration; crowded: lattice with obstacles; fbm: correlated Gaussian steps; ballistic"},
		{Name: "walkers", Kind: Int, Default: 500, Min: 1, Max: sims.MaxWalkers,
			Help: "number of walkers"},
		{Name: "wait", Kind: Choice, Choices: sims.WaitLaws, Default: 1, If: anomalousModel(sims.CTRW),
			Help: "CTRW waiting times: exp (Poisson) or power (Mittag-Leffler, ψ ∝ t^(−1−α))"},
		{Name: "alpha", Kind: Float, Default: 0.5, Min: 0.05, Max: 1, Step: 0.05,
			If:   func(v Values) bool { return v.Choice("model") == sims.CTRW && v.Choice("wait") == sims.WaitPower },
			Help: "waiting-time exponent α: MSD ∝ t^α"},
		{Name: "jump", Kind: Choice, Choices: sims.JumpLaws, If: anomalousModel(sims.CTRW),
			Help: "CTRW jumps: gauss, or stable (Lévy flights: infinite MSD for μ < 2)"},
		{Name: "mu", Kind: Float, Default: 1.5, Min: 0.2, Max: 3, Step: 0.1,
			If: func(v Values) bool {
				return v.Choice("model") == sims.LevyWalk || v.Choice("model") == sims.CTRW && v.Choice("jump") == sims.JumpLevy
			},
			Help: "ctrw: stable jump index μ, 0.2..2; levywalk: flight-time tail P(τ>s) ∝ s^(−μ), 1..3: MSD ∝ t^(3−μ) for 1 < μ < 2, t for μ > 2, t²/ln t at μ = 1"},
		{Name: "hurst", Kind: Float, Default: 0.25, Min: 0.05, Max: 0.95, Step: 0.05, If: anomalousModel(sims.FBM),
			Help: "Hurst exponent H: MSD ∝ t^(2H)"},
		{Name: "density", Kind: Float, Default: 0.3, Min: 0, Max: 0.6, Step: 0.05, If: anomalousModel(sims.Crowded),
			Help: "obstacle density ρ (free sites stop percolating at 0.407)"},
		{Name: "length", Kind: Int, Default: 2000, Min: 16, Max: 65536,
			Help: "track length in steps: the run ends there (fbm generates it whole at the start)"},
		{Name: "noise", Kind: Float, Default: 0, Min: 0, Max: 10, Step: 0.1,
			Help: "localisation noise: sd of the error of each observed coordinate"},
		{Name: "fitmin", Kind: Float, Default: 1, Min: 1, Max: 1e6, Live: true,
			Help: "first lag of the fit window"},
		{Name: "fitmax", Kind: Float, Default: 0, Min: 0, Max: 1e6, Live: true,
			Help: "last lag of the fit window (0: up to the current time)"},
	},
	Steps: 1000,
	Every: 10,
	Columns: func(Values) []string {
		return []string{"t", "msd", "msd_theory", "robust", "tamsd"}
	},
	Run:    runAnomalous,
	Adjust: keepTargetAlpha,
}

// AnomalousParams converts the topic's values to the simulation's parameters.
func AnomalousParams(v Values) sims.AnomalousParams {
	return sims.AnomalousParams{
		Model:   v.Choice("model"),
		Walkers: v.Int("walkers"),
		Wait:    v.Choice("wait"),
		Alpha:   v.Float("alpha"),
		Jump:    v.Choice("jump"),
		Mu:      v.Float("mu"),
		Hurst:   v.Float("hurst"),
		Density: v.Float("density"),
		Length:  v.Int("length"),
		Noise:   v.Float("noise"),
	}
}

// keepTargetAlpha: switching model keeps the target exponent α where the
// new model can reach it (ctrw: α ≤ 1, levywalk: 1 ≤ α ≤ 2, fbm: any), so
// that models are compared at the same α.
func keepTargetAlpha(v *Values, changed string, before Values) {
	if changed != "model" {
		return
	}
	target, ok := AnomalousParams(before).AlphaTheory()
	if !ok {
		return
	}
	set := func(name string, x float64) { _ = v.Set(name, trim(x)) }
	switch v.Choice("model") {
	case sims.CTRW:
		if target <= 1 {
			set("alpha", math.Max(0.05, target))
			_ = v.Set("wait", sims.WaitPower)
			_ = v.Set("jump", sims.JumpGauss)
		}
	case sims.FBM:
		set("hurst", math.Min(0.95, math.Max(0.05, target/2)))
	case sims.LevyWalk:
		if target > 1 && target < 2 {
			set("mu", 3-target)
		}
	}
}

func trim(x float64) string { return fmtNum(math.Round(x*1e6) / 1e6) }

// AnomalousFit is how α is fitted: over t ∈ [tmin, tmax] (tmax 0: up to
// now), to the fractional moment where the MSD is infinite.
func AnomalousFit(v Values) (tmin, tmax float64, robust bool) {
	return v.Float("fitmin"), v.Float("fitmax"), AnomalousParams(v).Robust()
}

func runAnomalous(v Values, seed uint64, steps, every int, out Out) error {
	p := AnomalousParams(v)
	steps = min(steps, p.Length) // the tracks end there
	a, err := sims.NewAnomalous(p, seed)
	if err != nil {
		return err
	}
	// the time average at lag t needs the whole track: run first, then write
	type row struct{ t, msd, robust float64 }
	var rows []row
	snap := func() {
		m, r := a.EnsembleMSD()
		rows = append(rows, row{float64(a.Time()), m, r})
	}
	snap()
	stepRows(steps, every, a.Step, snap)
	for _, r := range rows {
		th, ok := p.MSDTheory(r.t)
		if !ok {
			th = math.NaN()
		}
		out.Row([]float64{r.t, r.msd, th, r.robust, a.MeanTAMSD(int(r.t))})
	}
	if fit, ok := a.FitAlpha(AnomalousFit(v)); ok {
		out.Meta("alpha_fit", fit.Alpha)
		if !math.IsNaN(fit.SE) {
			out.Meta("alpha_se", fit.SE)
		}
		out.Meta("alpha_sys", fit.Sys)
		out.Meta("alpha_err", fit.Err())
	}
	if th, ok := p.RobustAlpha(); ok {
		out.Meta("alpha_theory", th)
	}
	if eb, se, ok := a.EB(); ok {
		out.Meta("eb", eb)
		if !math.IsNaN(se) {
			out.Meta("eb_se", se)
		}
	}
	if eb, se, ok := a.EBExpected(); ok {
		out.Meta("eb_finite_t", eb)
		out.Meta("eb_finite_t_se", se)
	}
	if eb, ok, _ := p.EBTheory(); ok {
		out.Meta("eb_theory", eb)
	}
	var ta, n float64
	for k := range a.TrackX {
		if al, ok := a.TrackAlpha(k); ok {
			ta += al
			n++
		}
	}
	if n > 0 {
		out.Meta("track_alpha_mean", ta/n)
	}
	return nil
}
