package topic

import "github.com/jclub/jclub/sims"

// Diffusion is standard (Brownian) diffusion from a point source.
var Diffusion = &Topic{
	ID:      "diffusion",
	Unit:    UnitDiffusion,
	Title:   "Standard diffusion",
	Summary: "Brownian walkers from a point source: MSD = 2dDt, Fick's Gaussian, Stokes–Einstein",
	Papers: []string{
		"Einstein 1905: the motion of small particles suspended in a liquid at rest",
		"Langevin 1908: on the theory of Brownian motion",
		"Henry, Langlands and Straka 2010: an introduction to fractional diffusion",
	},
	Params: []Param{
		{Name: "mode", Experiment: true, Kind: Choice, Choices: sims.DiffusionModes, Default: 1,
			Help: "lattice: ±a per axis per step; gauss: Wiener increments; langevin: inertia and friction"},
		{Name: "walkers", Kind: Int, Default: 300, Min: 1, Max: sims.MaxWalkers,
			Help: "number of walkers released at the origin"},
		{Name: "D", Unit: "µm²/s", Kind: Float, Default: 1, Min: 1e-3, Max: 1e3, Modes: []string{sims.Gauss, sims.Langevin},
			Help: "diffusion coefficient (langevin: kT = D·γ)"},
		{Name: "a", Unit: "µm", Kind: Float, Default: 0.5, Min: 1e-3, Max: 1e3, Modes: []string{sims.Lattice},
			Help: "lattice spacing; D = a²/(2·dt)"},
		{Name: "dt", Unit: "s", Kind: Float, Default: 0.1, Min: 1e-4, Max: 100,
			Help: "time step"},
		{Name: "mass", Kind: Float, Default: 1, Min: 1e-3, Max: 1e3, Modes: []string{sims.Langevin},
			Help: "particle mass m; τ = m/γ in s"},
		{Name: "gamma", Kind: Float, Default: 1, Min: 1e-3, Max: 1e3, Modes: []string{sims.Langevin},
			Help: "friction coefficient γ"},
		{Name: "temp", Unit: "K", Kind: Float, Default: 293.15, Min: 1, Max: 2000, Step: 5, Live: true,
			Help: "Stokes–Einstein: temperature T"},
		{Name: "viscosity", Unit: "mPa·s", Kind: Float, Default: 1.0016, Min: 1e-3, Max: 1e7, Live: true,
			Help: "Stokes–Einstein: viscosity η (water at 20 °C: 1.0016)"},
		{Name: "radius", Unit: "µm", Kind: Float, Default: 1, Min: 1e-4, Max: 1e4, Live: true,
			Help: "Stokes–Einstein: sphere radius r"},
	},
	Steps:   1000,
	Every:   10,
	Columns: fixedColumns("t", "msd", "msd_theory", "msd_se"),
	Run:     runDiffusion,
}

// DiffusionParams converts the topic's values to the simulation's parameters.
func DiffusionParams(v Values) sims.DiffusionParams {
	return sims.DiffusionParams{
		Mode:    v.Choice("mode"),
		Walkers: v.Int("walkers"),
		D:       v.Float("D"),
		Dt:      v.Float("dt"),
		A:       v.Float("a"),
		Mass:    v.Float("mass"),
		Gamma:   v.Float("gamma"),
	}
}

// Stokes is the Stokes–Einstein calculator's inputs, in the screen's units.
type Stokes struct {
	Temp      float64 // K
	Viscosity float64 // mPa·s
	Radius    float64 // µm
}

// StokesParams binds the calculator's values.
func StokesParams(v Values) Stokes {
	return Stokes{Temp: v.Float("temp"), Viscosity: v.Float("viscosity"), Radius: v.Float("radius")}
}

// D is the Stokes–Einstein coefficient in µm²/s.
func (s Stokes) D() float64 {
	return sims.StokesEinstein(s.Temp, s.Viscosity*1e-3, s.Radius*1e-6) * 1e12
}

func runDiffusion(v Values, seed uint64, steps, every int, out Out) error {
	p := DiffusionParams(v)
	d, err := sims.NewDiffusion(p, seed)
	if err != nil {
		return err
	}
	row := func() {
		m, se := d.MSD()
		out.Row([]float64{d.T(), m, p.MSDTheory(d.T()), se})
	}
	row()
	stepRows(steps, every, d.Step, row)
	return nil
}
