package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/sims"
	"github.com/jclub/jclub/topic"
)

// diffusion is the standard-diffusion unit: the walkers, their MSD against
// Einstein's 2dDt, their x profile against Fick's Gaussian, and a
// Stokes–Einstein calculator.
type diffusion struct {
	d    *sims.Diffusion
	p    sims.DiffusionParams
	logX bool // the MSD chart on log-log axes
}

func newDiffusion(string) unit { return &diffusion{} }

func (s *diffusion) reset(v topic.Values, seed uint64) error {
	p := topic.DiffusionParams(v)
	d, err := sims.NewDiffusion(p, seed)
	if err != nil {
		return err
	}
	s.d, s.p = d, p
	return nil
}

func (s *diffusion) step() { s.d.Step() }

func (s *diffusion) tabs() []string { return []string{"Theory", "Stokes–Einstein"} }

var logKey = key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "log axes"))

func (s *diffusion) keys() []key.Binding { return []key.Binding{logKey} }

func (s *diffusion) key(msg tea.KeyMsg) bool {
	if key.Matches(msg, logKey) {
		s.logX = !s.logX
		return true
	}
	return false
}

func (s *diffusion) status() string {
	m, se := s.d.MSD()
	t := s.d.T()
	return fmt.Sprintf("t %s · MSD %.4g±%.2g, theory %.4g · D %s", num(t), m, se, s.p.MSDTheory(t), num(s.p.DEff()))
}

// fitD is the fitted D over the diffusive part of the history.
func (s *diffusion) fitD() string {
	D, se, ok := s.d.FitD(10 * s.p.Tau())
	if !ok {
		return "fit: needs more steps"
	}
	return fmt.Sprintf("fit D %.3g±%.2g", D, se)
}

// Layout: the field over the last update and the side panel; on the right
// the MSD chart over the profile chart.
func (s *diffusion) layout(d *drawer) layout {
	scale := "linear"
	if s.logX {
		scale = "log-log"
	}
	chi := s.profileNote()
	return layout{
		main:   s.fieldBox(d),
		update: s.lastUpdate(d),
		right: []box{
			d.chart("msd", "MSD vs t · "+scale+" (g)", s.msdLegend(d), s.drawMSD),
			d.chart("profile", fmt.Sprintf("profile at t = %s", num(s.d.T())),
				legend(d, "x hist", "Fick")+"  "+chi, s.drawProfile),
		},
	}
}

// fieldBox draws the walkers in a window of ±3.5σ of the theory, on a
// ladder of round numbers (σ grows with t, so the window only grows). The
// ring is the theory's √⟨r²⟩ now; for Langevin walkers a second, fixed ring
// is √⟨r²⟩ at t = τ = m/γ, where ballistic flight turns into diffusion.
func (s *diffusion) fieldBox(d *drawer) box {
	S := d.S()
	rings := S.Series[1].Render("· ring: radius √⟨r²⟩ of the theory now")
	if s.p.Mode == sims.Langevin {
		rings += "; " + S.Series[2].Render(fmt.Sprintf("· ring: at t = τ = m/γ = %s, ballistic inside, diffusive beyond", num(s.p.Tau())))
	}
	b := box{title: string(s.p.Mode) + " walkers", legendFrom: 16, legend: S.Dim.Render(densityLegend+"; ") + rings}
	b.draw = func(w, h int) string {
		f := d.field("walkers", w, h)
		sigma := s.p.SigmaTheory(math.Max(s.d.T(), 20*s.p.Dt))
		scale := niceCeil(3.5 * sigma / math.Min(1, f.extentY(1)))
		xs, ys := s.d.Positions()
		rings := []float64{math.Sqrt(s.p.MSDTheory(s.d.T()))}
		if s.p.Mode == sims.Langevin {
			rings = append(rings, math.Sqrt(s.p.MSDTheory(s.p.Tau())))
		}
		out, outside := f.draw(xs, ys, scale, rings...)
		note := fmt.Sprintf("window ±%s µm", num(scale))
		if outside > 0 {
			note += fmt.Sprintf(", %d outside", outside)
		}
		return strings.Join(strings.Split(out, "\n")[:max(0, h-1)], "\n") + "\n" + S.Dim.Render(note)
	}
	return b
}

func (s *diffusion) msdLegend(d *drawer) string {
	l := legend(d, "data", "theory "+s.msdTheoryName())
	if s.p.Mode == sims.Langevin {
		l += "  " + d.S().Series[2].Render(dotted.mark()+" t = τ")
	}
	return l + "  " + s.fitD()
}

// drawMSD plots the MSD against the theory; for Langevin walkers a line at
// t = τ marks the crossover from ballistic (∝ t²) to diffusive (∝ t).
func (s *diffusion) drawMSD(p *plot) string {
	p.xName, p.yName = "t (s)", "MSD (µm²)"
	p.logX, p.logY = s.logX, s.logX
	h := s.d.History()
	tmax := math.Max(s.d.T(), 10*s.p.Dt)
	theory := func(n int, lo float64) ([]float64, []float64) {
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range xs {
			f := float64(i) / float64(n-1)
			if s.logX {
				xs[i] = lo * math.Pow(tmax/lo, f)
			} else {
				xs[i] = f * tmax
			}
			ys[i] = s.p.MSDTheory(xs[i])
		}
		return xs, ys
	}
	S := p.c.S
	if s.logX {
		lo := s.p.Dt
		tx, ty := theory(120, lo)
		ymin, ymax := ty[0], ty[len(ty)-1]
		for i, m := range h.MSD {
			if h.T[i] > 0 && m > 0 {
				ymin, ymax = math.Min(ymin, m), math.Max(ymax, m)
			}
		}
		yr := [2]float64{ymin / 1.5, ymax * 1.5}
		p.draw([2]float64{lo, tmax}, yr, s.tauLine(S, yr),
			series{xs: tx, ys: ty, style: S.Series[1], dash: dashed},
			series{xs: h.T, ys: h.MSD, style: S.Series[0]})
		return ""
	}
	tx, ty := theory(120, 0)
	ymax := ty[len(ty)-1]
	for _, m := range h.MSD {
		ymax = math.Max(ymax, m)
	}
	yr := [2]float64{0, ymax * 1.1}
	p.draw([2]float64{0, tmax}, yr, s.tauLine(S, yr),
		series{xs: tx, ys: ty, style: S.Series[1], dash: dashed},
		series{xs: h.T, ys: h.MSD, style: S.Series[0]})
	return ""
}

// tauLine is the vertical line at t = τ (none outside Langevin mode).
func (s *diffusion) tauLine(S Styles, yr [2]float64) series {
	if s.p.Mode != sims.Langevin {
		return series{}
	}
	tau := s.p.Tau()
	return series{xs: []float64{tau, tau}, ys: yr[:], style: S.Series[2], dash: dotted}
}

// profileBins is how many bins the profile has in a chart w wide.
func profileBins(w int) int { return max(8, min(60, w/2)) }

func (s *diffusion) drawProfile(p *plot) string {
	p.xName, p.yName = "x (µm)", "walkers a bin"
	pr := s.d.Profile(profileBins(p.w))
	if len(pr.Count) == 0 {
		return "every walker is at the origin: step to spread them"
	}
	var hx, hy []float64
	ymax := 0.0
	for k, c := range pr.Count {
		hx = append(hx, pr.Edges[k], pr.Edges[k+1])
		hy = append(hy, c, c)
		ymax = math.Max(ymax, math.Max(c, pr.Expected[k]))
	}
	// Fick's density times the bin width: expected walkers per bin
	w := pr.Edges[1] - pr.Edges[0]
	var fx, fy []float64
	lo, hi := pr.Edges[0], pr.Edges[len(pr.Edges)-1]
	for i := 0; i <= 150; i++ {
		x := lo + (hi-lo)*float64(i)/150
		fx = append(fx, x)
		fy = append(fy, w*s.p.Fick(x, s.d.T()))
	}
	p.draw([2]float64{lo, hi}, [2]float64{0, math.Max(ymax*1.15, 1)},
		series{xs: fx, ys: fy, style: p.c.S.Series[1], dash: dashed},
		series{xs: hx, ys: hy, style: p.c.S.Series[0]})
	return ""
}

// profileNote is the χ² test of the profile against Fick's Gaussian (in 30
// bins whatever the chart's width, so every view shows the same test).
func (s *diffusion) profileNote() string {
	pr := s.d.Profile(30)
	if len(pr.Count) == 0 {
		return ""
	}
	chi2, dof, p := pr.ChiSquare()
	if dof > 0 {
		return fmt.Sprintf("χ² %.1f/%d p %.2g", chi2, dof, p)
	}
	return "too few walkers for a χ² test"
}

func (s *diffusion) msdTheoryName() string {
	if s.p.Mode == sims.Langevin {
		return "2dD[t−τ(1−e^−t/τ)]"
	}
	return "2dDt"
}

// lastUpdate shows the update rule walker ● just had, with its numbers.
func (s *diffusion) lastUpdate(d *drawer) string {
	if s.d.Steps() == 0 {
		return d.S().Dim.Render("press n to take one step and see walker ●'s update with its numbers")
	}
	l := s.d.Last
	dt := s.p.Dt
	var rule string
	switch s.p.Mode {
	case sims.Lattice:
		rule = fmt.Sprintf("●: x += ±a, y += ±a → Δ = (%+.3g, %+.3g), a = %g", l.X-l.X0, l.Y-l.Y0, s.p.A)
	case sims.Gauss:
		sd := math.Sqrt(2 * s.p.D * dt)
		rule = fmt.Sprintf("●: Δx = √(2D·dt)·ξ = %.3g×%+.3f = %+.3g", sd, l.Xi1, l.X-l.X0)
	case sims.Langevin:
		decay, drift, sv, sx1, sx2 := s.d.OUCoefficients()
		rule = fmt.Sprintf("●: v ← %.3g·%+.3g + %.3g·%+.2f = %+.3g, Δx = %.3g·v + %.3g·ξ₁ + %.3g·ξ₂ = %+.3g",
			decay, l.Vx0, sv, l.Xi1, l.Vx, drift, sx1, sx2, l.X-l.X0)
	}
	pos := fmt.Sprintf("now at (%.3g, %.3g), |r|² = %.3g", l.X, l.Y, l.X*l.X+l.Y*l.Y)
	return d.S().Accent.Render(rule + "\n" + pos)
}

func (s *diffusion) panel(d *drawer, name string, w int) string {
	switch name {
	case "Theory":
		return wrap(diffusionTheory, w)
	case "Stokes–Einstein":
		return wrap(stokesPanel(topic.StokesParams(d.v)), w)
	}
	return ""
}

const diffusionTheory = `Fick: j = −D ∂n/∂x and ∂n/∂t = D ∂²n/∂x². From a point source n(x,t) = N/√(4πDt)·exp(−x²/4Dt): the profile chart.
Einstein (1905): ⟨r²⟩ = 2dDt, d = 2 here: linear, not quadratic, in t (slope 1 on log-log, key g).
Random walk: n steps of ±a sum to a Gaussian (central limit theorem) with D = a²/(2dt): mode lattice.
Langevin (1908): m dv = −γv dt + √(2γkT) dW, τ = m/γ, D = kT/γ. ⟨r²⟩ = 2dD[t − τ(1−e^(−t/τ))]: ballistic (slope 2) for t ≪ τ, diffusive after.
Ask: why does the ring (radius √⟨r²⟩) grow as √t? When does inertia matter?`

func stokesPanel(p topic.Stokes) string {
	D, r := p.D(), p.Radius // µm²/s, µm
	return strings.Join([]string{
		"D = k_B·T / (6π·η·r)",
		fmt.Sprintf("T = %s K, η = %s mPa·s, r = %s µm", num(p.Temp), num(p.Viscosity), num(r)),
		fmt.Sprintf("D = %s µm²/s", num(D)),
		fmt.Sprintf("in 1 s: %s µm per axis (√(2Dt)), %s µm in 3-D (√(6Dt))",
			num(sims.RMSDisplacement(D, 1, 1)), num(sims.RMSDisplacement(D, 1, 3))),
		fmt.Sprintf("time to move its own radius in 3-D: r²/6D = %s s", num(r*r/(6*D))),
		"",
		"set temp, viscosity and radius under Parameters (tab)",
	}, "\n")
}
