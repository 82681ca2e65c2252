package tui

import (
	"fmt"
	"math"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/jclub/jclub/sims"
	"github.com/jclub/jclub/topic"
)

// anomalous is the anomalous-diffusion unit: the walkers (waiting ones
// faint, long jumps as streaks), the MSD on log-log axes with the fitted α,
// and one of four charts: time averages against the ensemble, the waiting
// times or the jump lengths against the laws they were drawn from, the
// local slope.
type anomalous struct {
	a    *sims.Anomalous
	p    sims.AnomalousParams
	view int // 0 time averages, 1 waiting times, 2 jump lengths, 3 local slope
	// the laws the samples were drawn from, computed once per reset
	waitLaw, jumpLaw [2][]float64
}

var views = []string{"time averages", "waiting times", "jump lengths", "local slope"}

var viewKey = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "next chart"))

func newAnomalous(string) unit { return &anomalous{} }

func (s *anomalous) reset(v topic.Values, seed uint64) error {
	p := topic.AnomalousParams(v)
	a, err := sims.NewAnomalous(p, seed)
	if err != nil {
		return err
	}
	s.a, s.p = a, p
	s.waitLaw, s.jumpLaw = p.Laws()
	return nil
}

func (s *anomalous) step() { s.a.Step() }

func (s *anomalous) tabs() []string      { return []string{"Theory"} }
func (s *anomalous) keys() []key.Binding { return []key.Binding{viewKey} }

func (s *anomalous) key(msg tea.KeyMsg) bool {
	if key.Matches(msg, viewKey) {
		s.view = (s.view + 1) % len(views)
		return true
	}
	return false
}

func (s *anomalous) status() string {
	out := fmt.Sprintf("t %d", s.a.Time())
	if s.a.Ended() {
		out += " · the tracks have reached their length: r restarts, or raise length"
	}
	return out
}

// robust reports whether the robust measure, not the MSD, is the one to fit.
func (s *anomalous) robust() bool { return s.p.Robust() }

// fieldBox draws the walkers in a window that grows with their spread
// (three median distances, on a ladder of round numbers).
func (s *anomalous) fieldBox(d *drawer) box {
	return box{title: s.p.Model, legendFrom: 16, legend: d.S().Dim.Render(densityLegend + "  ○ waiting"), draw: func(w, h int) string {
		f := d.field("walkers", w, h-1)
		xs, ys := s.a.Positions()
		rs := make([]float64, 0, len(xs))
		for i := range xs {
			rs = append(rs, math.Hypot(xs[i], ys[i]))
		}
		scale := d.grow("window", niceCeil(math.Max(3*median(rs), 8)/math.Min(1, f.extentY(1))))
		var paused []bool
		if s.p.Model == sims.CTRW {
			paused = s.a.Paused
		}
		out, outside := f.drawWith(xs, ys, scale, paused, s.a.Streaks)
		note := fmt.Sprintf("window ±%s", num(scale))
		if outside > 0 {
			note += fmt.Sprintf(", %d outside", outside)
		}
		return out + "\n" + d.S().Dim.Render(note)
	}}
}

func (s *anomalous) drawMSD(p *plot) string {
	p.xName, p.yName = "t (steps)", "MSD (step²)"
	p.logX, p.logY = true, true
	S := p.c.S
	a := s.a
	tmax := math.Max(10, float64(a.Time()))
	var mx, my, rx, ry []float64
	for i, t := range a.T {
		if t > 0 && a.MSD[i] > 0 {
			mx, my = append(mx, t), append(my, a.MSD[i])
		}
		if t > 0 && a.Robust[i] > 0 {
			rx, ry = append(rx, t), append(ry, a.Robust[i])
		}
	}
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, y := range append(append([]float64{}, my...), ry...) {
		ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
	}
	// theory: the exact curve where there is one, else the slope through
	// the first point; reference slopes 1 and 2 from the same point
	var ss []series
	anchor := 1.0
	if len(my) > 0 {
		anchor = my[0] / mx[0]
		if s.robust() && len(ry) > 0 {
			anchor = ry[0] / rx[0]
		}
	}
	line := func(alpha float64, st lipgloss.Style, d dash) series {
		xs := []float64{1, tmax}
		return series{xs: xs, ys: []float64{anchor, anchor * math.Pow(tmax, alpha)}, style: st, dash: d}
	}
	ss = append(ss, line(1, S.Dim, dotted), line(2, S.Dim, dotted))
	if _, ok := s.p.MSDTheory(1); ok && !s.robust() {
		var tx, ty []float64
		for k := 0; k <= 60; k++ {
			t := math.Pow(tmax, float64(k)/60)
			y, _ := s.p.MSDTheory(t)
			tx, ty = append(tx, t), append(ty, y)
		}
		ss = append(ss, series{xs: tx, ys: ty, style: S.Series[1], dash: dashed})
	} else if al, ok := s.p.RobustAlpha(); ok {
		ss = append(ss, line(al, S.Series[1], dashed))
	}
	ss = append(ss, series{xs: mx, ys: my, style: S.Series[0]})
	if s.robust() {
		ss = append(ss, series{xs: rx, ys: ry, style: S.Series[2], dash: dotted})
	}
	if !(ymax > 0) {
		ymin, ymax = 0.1, 10
	}
	p.draw([2]float64{1, tmax}, [2]float64{math.Max(ymin/3, 1e-6), ymax * 3}, ss...)
	return ""
}

func (s *anomalous) drawLower(p *plot) string {
	a := s.a
	S := p.c.S
	p.logX, p.logY = true, true
	switch s.view {
	case 0:
		T := a.Time()
		if T < 4 || len(a.TrackX) == 0 {
			return s.emptyLower()
		}
		var lags []int
		for l := 1.0; l <= float64(T)/2; l *= 1.25 {
			if n := int(l); len(lags) == 0 || n > lags[len(lags)-1] {
				lags = append(lags, n)
			}
		}
		var ss []series
		ymin, ymax := math.Inf(1), math.Inf(-1)
		lx := make([]float64, len(lags))
		for j, l := range lags {
			lx[j] = float64(l)
		}
		for k := range a.TrackX {
			ys := a.TAMSD(k, lags)
			for _, y := range ys {
				if y > 0 {
					ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
				}
			}
			ss = append(ss, series{xs: lx, ys: ys, style: S.Series[2], dash: dotted})
		}
		var mx, my []float64
		for i, t := range a.T {
			if t > 0 && t <= float64(T)/2 && a.MSD[i] > 0 {
				mx, my = append(mx, t), append(my, a.MSD[i])
				ymin, ymax = math.Min(ymin, a.MSD[i]), math.Max(ymax, a.MSD[i])
			}
		}
		ss = append(ss, series{xs: mx, ys: my, style: S.Series[0]})
		if !(ymax > 0) {
			return s.emptyLower()
		}
		p.draw([2]float64{1, math.Max(2, float64(T)/2)}, [2]float64{ymin / 2, ymax * 2}, ss...)
	case 3:
		ts, sl := a.LocalSlope(s.robust())
		if len(ts) < 2 {
			return s.emptyLower()
		}
		p.logY = false
		lo, hi := 0.0, 2.2
		for _, v := range sl {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		ss := []series{}
		if al, ok := s.p.RobustAlpha(); ok {
			ss = append(ss, hline(1, ts[len(ts)-1], al, S.Series[1], dashed))
		}
		ss = append(ss, series{xs: ts, ys: sl, style: S.Series[0]})
		p.draw([2]float64{1, math.Max(2, ts[len(ts)-1])}, [2]float64{lo, hi}, ss...)
	case 1, 2:
		h, law := &a.Waits, s.waitLaw
		if s.view == 2 {
			h, law = &a.Jumps, s.jumpLaw
		}
		xs, ds := h.Density()
		if len(xs) == 0 {
			return s.emptyLower()
		}
		xmin, xmax := xs[0]/2, xs[len(xs)-1]*2
		ymin, ymax := math.Inf(1), math.Inf(-1)
		for _, d := range ds {
			ymin, ymax = math.Min(ymin, d), math.Max(ymax, d)
		}
		p.draw([2]float64{xmin, xmax}, [2]float64{ymin / 3, ymax * 3},
			series{xs: law[0], ys: law[1], style: S.Series[1], dash: dashed},
			series{xs: xs, ys: ds, style: S.Series[0], glyph: '●'})
	}
	return ""
}

func (s *anomalous) layout(d *drawer) layout {
	a, p, S := s.a, s.p, d.S()
	tmin, tmax, _ := topic.AnomalousFit(d.v)
	fit := "fit: needs more steps"
	if f, ok := a.FitAlpha(tmin, tmax, s.robust()); ok {
		fit = fmt.Sprintf("fit α = %.3f ± %.3f", f.Alpha, f.Err())
		if !math.IsNaN(f.SE) {
			fit += fmt.Sprintf(" (stat %.3f, drift %.3f)", f.SE, f.Sys)
		}
		fit += " · " + sims.Band(f.Alpha)
	}
	theory := "theory: none (transient)"
	if al, ok := p.RobustAlpha(); ok {
		theory = fmt.Sprintf("theory α = %.3g", al)
	}
	measured := "━ MSD"
	if s.robust() {
		measured = "━ MSD  " + S.Series[2].Render(fmt.Sprintf("┈ ⟨|r|^%.2g⟩^(2/q)", p.RobustQ()))
	}
	upto := num(tmax)
	if tmax <= 0 {
		upto = "now"
	}
	lowerTitle, lowerLegend := s.lowerText(d)
	return layout{
		main:   s.fieldBox(d),
		update: s.lastUpdate(d),
		right: []box{
			d.chart("msd", fmt.Sprintf("MSD · log-log · fit over t ∈ [%s, %s]", num(tmin), upto),
				S.Series[0].Render(measured)+"  "+S.Series[1].Render("┅ "+theory)+S.Dim.Render("  ┈ slopes 1, 2")+"  "+fit, s.drawMSD),
			d.chart("lower", lowerTitle+" (v: next)", lowerLegend, s.drawLower),
		},
	}
}

func (s *anomalous) emptyLower() string {
	switch {
	case s.view == 0:
		return "time averages need a few steps"
	case s.view == 1 && s.p.Model != sims.CTRW && s.p.Model != sims.LevyWalk:
		return "no waiting times in the " + s.p.Model + " model"
	case s.view == 2 && s.p.Model != sims.CTRW:
		return "no jump law in the " + s.p.Model + " model"
	case s.view == 3:
		return "the local slope needs a few records"
	}
	return "no samples yet"
}

func (s *anomalous) lowerText(d *drawer) (title, legend string) {
	S := d.S()
	switch s.view {
	case 0:
		eb := "EB: needs more steps"
		if v, se, ok := s.a.EB(); ok {
			eb = fmt.Sprintf("EB = %.3f", v)
			if !math.IsNaN(se) {
				eb += fmt.Sprintf("±%.3f", se)
			}
			if fin, fse, ok := s.a.EBExpected(); ok {
				eb += fmt.Sprintf(", expected at T=%d: %.3f±%.3f", s.a.Time(), fin, fse)
			}
			if th, ok, why := s.p.EBTheory(); ok {
				eb += fmt.Sprintf(", T→∞: %.3f", th)
			} else {
				eb += ", theory " + why
			}
		}
		single := ""
		lo, hi, n := math.Inf(1), math.Inf(-1), 0
		for k := range s.a.TrackX {
			if al, ok := s.a.TrackAlpha(k); ok {
				lo, hi, n = math.Min(lo, al), math.Max(hi, al), n+1
			}
		}
		if n > 0 {
			single = fmt.Sprintf("  single-track α %.2f to %.2f", lo, hi)
		}
		return "time-averaged MSD of single tracks against the ensemble",
			S.Series[2].Render("┈ δ²(Δ) of 5 tracks") + "  " + S.Series[0].Render("━ ensemble") + "  " + eb + single
	case 3:
		now := "needs more steps"
		if _, sl := s.a.LocalSlope(s.robust()); len(sl) > 0 {
			now = fmt.Sprintf("now %.3f", sl[len(sl)-1])
		}
		th := "no asymptote"
		if al, ok := s.p.RobustAlpha(); ok {
			th = fmt.Sprintf("asymptote α = %.3g", al)
		}
		return "local slope d log MSD / d log t (log t)", S.Series[0].Render("━ local slope "+now) + "  " + S.Series[1].Render("┅ "+th)
	case 1:
		name := "waiting times"
		if s.p.Model == sims.LevyWalk {
			name = "flight durations"
		}
		return name + " against their law", S.Series[0].Render("● sampled") + "  " + S.Series[1].Render("┅ law") +
			fmt.Sprintf("  median %s", num(s.a.Waits.Median()))
	}
	return "jump lengths |Δx| against their law", S.Series[0].Render("● sampled") + "  " + S.Series[1].Render("┅ law") +
		fmt.Sprintf("  median %s", num(s.a.Jumps.Median()))
}

func (s *anomalous) lastUpdate(d *drawer) string {
	a := s.a
	if a.Time() == 0 {
		return d.S().Dim.Render("press n to advance one unit of time and see walker ●'s update with its numbers")
	}
	l := a.Last
	var line1 string
	switch s.p.Model {
	case sims.CTRW:
		if l.Jumps > 0 {
			line1 = fmt.Sprintf("●: %d jump(s) → Δ = (%+.3g, %+.3g); wait drawn τ = %.3g, next jump at t = %.4g", l.Jumps, l.X-l.X0, l.Y-l.Y0, l.Wait, l.Next)
		} else {
			line1 = fmt.Sprintf("●: waiting (○ on the field) until t = %.4g", l.Next)
		}
	case sims.LevyWalk:
		line1 = fmt.Sprintf("●: flying at unit speed, Δ = (%+.3g, %+.3g); flight ends at t = %.4g", l.X-l.X0, l.Y-l.Y0, l.Next)
		if l.Jumps > 0 {
			line1 += fmt.Sprintf(" (new flight of %.3g)", l.Wait)
		}
	case sims.Crowded:
		if l.Blocked {
			line1 = "●: the chosen neighbour is an obstacle: it stays"
		} else {
			line1 = fmt.Sprintf("●: stepped by (%+.0f, %+.0f)", l.X-l.X0, l.Y-l.Y0)
		}
	case sims.FBM:
		line1 = fmt.Sprintf("●: fGn increment Δ = (%+.3g, %+.3g), correlated with the past (H = %g)", l.X-l.X0, l.Y-l.Y0, s.p.Hurst)
	case sims.Ballistic:
		line1 = fmt.Sprintf("●: x += v = (%+.3g, %+.3g), the same every step", l.X-l.X0, l.Y-l.Y0)
	}
	pos := fmt.Sprintf("at (%.4g, %.4g)", l.X, l.Y)
	return d.S().Accent.Render(line1 + "\n" + pos)
}

func (s *anomalous) panel(d *drawer, name string, w int) string {
	return wrap(`Anomalous diffusion: ⟨r²⟩ ∝ t^α, subdiffusive for α < 1, superdiffusive for 1 < α < 2, ballistic at α = 2. It needs steps that are not independent or not identically timed.
CTRW: wait τ, then jump. Exponential waits and Gaussian jumps: Brownian. Power-law waits ψ(τ) ∝ τ^(−1−α), α < 1 (mean wait infinite): α-subdiffusion, and single tracks are not ergodic: their time-averaged MSD is linear in the lag, ages as T^(α−1), and scatters with EB = 2Γ²(1+α)/Γ(1+2α) − 1.
Stable jumps of index μ < 2 (Lévy flights): the MSD is infinite and dominated by rare huge jumps, so the screen fits ⟨|r|^q⟩^(2/q) with q = μ/2 instead, growing as t^(2α/μ).
Lévy walk: flights at finite speed with durations P(τ>s) ∝ s^(−μ): α = 3 − μ for 1 < μ < 2, with a finite MSD.
Crowding: obstacles slow the walk; near the percolation density 0.407 it is subdiffusive over long times.
fBm: Gaussian with correlated increments, α = 2H. Switching model keeps the target α. Noise adds a constant to the MSD and flattens short lags.`, w)
}
