package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/sims"
	"github.com/jclub/jclub/topic"
)

// diffusion is the standard-diffusion screen: the walkers, their MSD against
// Einstein's 2dDt, their x profile against Fick's Gaussian, and a
// Stokes–Einstein calculator.
type diffusion struct {
	c        *Common
	d        *sims.Diffusion
	p        sims.DiffusionParams
	field    *field
	msd      plot
	prof     plot
	l        columns
	scale    float64 // half-width of the field window; grows, never shrinks
	fieldOut string
	outside  int
	profNote string
	chartsAt time.Time // when the charts were last drawn
}

func newDiffusionScreen(c *Common, t *topic.Topic, v topic.Values, seed uint64) Screen {
	s := &diffusion{c: c, field: newField(c)}
	s.msd.c, s.prof.c = c, c
	return newRunner(c, t, legacyOf(func() sim { return s }), v, seed, 1)
}

func (s *diffusion) reset(v topic.Values, seed uint64) error {
	p := topic.DiffusionParams(v)
	d, err := sims.NewDiffusion(p, seed)
	if err != nil {
		return err
	}
	s.d, s.p, s.scale = d, p, 0
	return nil
}

func (s *diffusion) step() { s.d.Step() }

func (s *diffusion) tabs() []string { return []string{"Theory", "Stokes–Einstein"} }

func (s *diffusion) keys() []key.Binding { return []key.Binding{s.c.Keys.Log} }

func (s *diffusion) key(msg tea.KeyMsg) bool {
	if key.Matches(msg, s.c.Keys.Log) {
		s.msd.logX = !s.msd.logX
		s.msd.logY = s.msd.logX
		return true
	}
	return false
}

// Layout: left column the field, the last update and the side panel; right
// column the MSD chart over the profile chart.
func (s *diffusion) setSize(w, h int) {
	s.l = columns{w, h}
	s.field.setSize(s.l.leftW()-2, s.l.mainH()-2)
	s.msd.setSize(s.l.rightW()-2, s.l.rightH(0, 2)-3)
	s.prof.setSize(s.l.rightW()-2, s.l.rightH(1, 2)-3)
}

func (s *diffusion) panelSize() (int, int) { return s.l.panelSize() }

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

func (s *diffusion) redraw(v topic.Values, live bool) {
	if s.d == nil || s.l.w == 0 {
		return
	}
	t := s.d.T()
	// the field window: ±3.5σ of the theory, on a ladder of round numbers, growing only
	// (both axes: the window is wider than tall in world units when the
	// field is wider than twice its height)
	sigma := s.p.SigmaTheory(math.Max(t, 20*s.p.Dt))
	if need := niceCeil(3.5 * sigma / math.Min(1, s.field.extentY(1))); need > s.scale {
		s.scale = need
	}
	xs, ys := s.d.Positions()
	s.fieldOut, s.outside = s.field.draw(xs, ys, s.scale, math.Sqrt(s.p.MSDTheory(t)))
	if live && time.Since(s.chartsAt) < chartPeriod {
		return
	}
	s.chartsAt = time.Now()
	s.drawMSD()
	s.drawProfile()
}

func (s *diffusion) drawMSD() {
	h := s.d.History()
	tmax := math.Max(s.d.T(), 10*s.p.Dt)
	theory := func(n int, lo float64) ([]float64, []float64) {
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range xs {
			f := float64(i) / float64(n-1)
			if s.msd.logX {
				xs[i] = lo * math.Pow(tmax/lo, f)
			} else {
				xs[i] = f * tmax
			}
			ys[i] = s.p.MSDTheory(xs[i])
		}
		return xs, ys
	}
	if s.msd.logX {
		lo := s.p.Dt
		tx, ty := theory(120, lo)
		ymin, ymax := ty[0], ty[len(ty)-1]
		for i, m := range h.MSD {
			if h.T[i] > 0 && m > 0 {
				ymin, ymax = math.Min(ymin, m), math.Max(ymax, m)
			}
		}
		s.msd.draw([2]float64{lo, tmax}, [2]float64{ymin / 1.5, ymax * 1.5},
			series{xs: tx, ys: ty, style: s.c.S.Series[1]},
			series{xs: h.T, ys: h.MSD, style: s.c.S.Series[0]})
		return
	}
	tx, ty := theory(120, 0)
	ymax := ty[len(ty)-1]
	for _, m := range h.MSD {
		ymax = math.Max(ymax, m)
	}
	s.msd.draw([2]float64{0, tmax}, [2]float64{0, ymax * 1.1},
		series{xs: tx, ys: ty, style: s.c.S.Series[1]},
		series{xs: h.T, ys: h.MSD, style: s.c.S.Series[0]})
}

func (s *diffusion) drawProfile() {
	bins := max(8, min(60, s.prof.w/2))
	pr := s.d.Profile(bins)
	if len(pr.Count) == 0 {
		s.profNote = "every walker is at the origin"
		s.prof.clear()
		return
	}
	sigma := s.p.SigmaTheory(s.d.T())
	var hx, hy []float64
	ymax := 0.0
	for k, c := range pr.Count {
		hx = append(hx, pr.Edges[k], pr.Edges[k+1])
		hy = append(hy, c, c)
		ymax = math.Max(ymax, math.Max(c, pr.Expected[k]))
	}
	// Fick's density times the bin width: expected walkers per bin
	w := pr.Edges[1] - pr.Edges[0]
	n := float64(s.p.Walkers)
	var fx, fy []float64
	lo, hi := pr.Edges[0], pr.Edges[len(pr.Edges)-1]
	for i := 0; i <= 150; i++ {
		x := lo + (hi-lo)*float64(i)/150
		fx = append(fx, x)
		fy = append(fy, n*w*math.Exp(-x*x/(2*sigma*sigma))/(sigma*math.Sqrt(2*math.Pi)))
	}
	s.prof.draw([2]float64{lo, hi}, [2]float64{0, math.Max(ymax*1.15, 1)},
		series{xs: fx, ys: fy, style: s.c.S.Series[1]},
		series{xs: hx, ys: hy, style: s.c.S.Series[0]})
	chi2, dof, p := pr.ChiSquare()
	if dof > 0 {
		s.profNote = fmt.Sprintf("χ² %.1f/%d p %.2g", chi2, dof, p)
	} else {
		s.profNote = "too few walkers for a χ² test"
	}
}

func (s *diffusion) body(panel func(h int) string) string {
	l := s.l
	title := fmt.Sprintf("%s walkers · window ±%s", s.p.Mode, num(s.scale))
	if s.outside > 0 {
		title += fmt.Sprintf(" · %d outside", s.outside)
	}
	field := s.c.box(title, s.fieldOut, l.leftW(), l.mainH(), false)
	scale := "linear"
	if s.msd.logX {
		scale = "log-log"
	}
	legend := s.legend("data", "theory") + "  " + s.fitD()
	msd := s.c.chartBox("MSD vs t, "+scale+" (g) · theory "+s.msdTheoryName(), &s.msd, legend, l.rightW(), l.rightH(0, 2))
	profTitle := fmt.Sprintf("profile at t = %s", num(s.d.T()))
	prof := s.c.chartBox(profTitle, &s.prof, s.legend("x hist", "Fick")+"  "+s.profNote, l.rightW(), l.rightH(1, 2))
	if s.prof.out == "" {
		prof = s.c.box(profTitle, "\n  "+s.c.S.Dim.Render(s.profNote+": step to spread them"), l.rightW(), l.rightH(1, 2), false)
	}
	return l.compose(field, s.lastUpdate(l.leftW()-1), panel, msd, prof)
}

func (s *diffusion) msdTheoryName() string {
	if s.p.Mode == sims.Langevin {
		return "2dD[t−τ(1−e^−t/τ)]"
	}
	return "2dDt"
}

func (s *diffusion) legend(measured, theory string) string {
	return s.c.S.Series[0].Render("━ "+measured) + "  " + s.c.S.Series[1].Render("━ "+theory)
}

// lastUpdate shows the update rule walker ● just had, with its numbers.
func (s *diffusion) lastUpdate(w int) string {
	if s.d.Steps() == 0 {
		return s.c.S.Dim.Render(wrap("press n to take one step and see walker ●'s update with its numbers", w))
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
	pos := fmt.Sprintf("  now at (%.3g, %.3g), |r|² = %.3g", l.X, l.Y, l.X*l.X+l.Y*l.Y)
	return s.c.S.Accent.Render(wrap(rule, w)) + "\n" + s.c.S.Accent.Render(wrap(pos, w))
}

func (s *diffusion) panel(name string, v topic.Values, w, h int) string {
	switch name {
	case "Theory":
		return diffusionTheory(w)
	case "Stokes–Einstein":
		return s.stokesPanel(v, w)
	}
	return ""
}

func diffusionTheory(w int) string {
	return wrap(`Fick: j = −D ∂n/∂x and ∂n/∂t = D ∂²n/∂x². From a point source n(x,t) = N/√(4πDt)·exp(−x²/4Dt): the profile chart.
Einstein (1905): ⟨r²⟩ = 2dDt, d = 2 here: linear, not quadratic, in t (slope 1 on log-log, key g).
Random walk: n steps of ±a sum to a Gaussian (central limit theorem) with D = a²/(2dt): mode lattice.
Langevin (1908): m dv = −γv dt + √(2γkT) dW, τ = m/γ, D = kT/γ. ⟨r²⟩ = 2dD[t − τ(1−e^(−t/τ))]: ballistic (slope 2) for t ≪ τ, diffusive after.
Ask: why does the ring (radius √⟨r²⟩) grow as √t? When does inertia matter?`, w)
}

func (s *diffusion) stokesPanel(v topic.Values, w int) string {
	D := topic.StokesEinsteinD(v) // µm²/s
	r := v.Float("radius")
	lines := []string{
		"D = k_B·T / (6π·η·r)",
		fmt.Sprintf("T = %s K, η = %s mPa·s, r = %s µm", num(v.Float("temp")), num(v.Float("viscosity")), num(r)),
		fmt.Sprintf("D = %s µm²/s", num(D)),
		fmt.Sprintf("in 1 s: %s µm per axis (√(2Dt)), %s µm in 3-D (√(6Dt))",
			num(sims.RMSDisplacement(D, 1, 1)), num(sims.RMSDisplacement(D, 1, 3))),
		fmt.Sprintf("time to move its own radius in 3-D: r²/6D = %s s", num(r*r/(6*D))),
		"",
		"set temp, viscosity and radius under Parameters (tab)",
	}
	return wrap(strings.Join(lines, "\n"), w)
}

// niceCeil is the smallest value ≥ x (x > 0) on the ladder 1, 1.5, 2, 3,
// 5, 7.5, 10, 15, ...
func niceCeil(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 1.5, 2, 3, 5, 7.5, 10} {
		if m*e >= x*(1-1e-12) {
			return m * e
		}
	}
	return 10 * e
}

// num prints a number compactly for status lines: 4 significant digits,
// and never NaN or Inf on screen.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return fmt.Sprintf("%.4g", f)
}
