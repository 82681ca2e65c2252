package tui

import (
	"fmt"
	"math"
	"math/cmplx"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/sims"
	"github.com/jclub/jclub/topic"
)

// The control topic has four units: the Kalman filter tracking a target,
// the LQR balancing a cart-pole, LQG balancing it on noisy measurements,
// and the hand estimated in the dark (Wolpert et al. 1995).

func newControl(exp string) unit {
	switch exp {
	case topic.ExpLQR:
		return &lqr{}
	case topic.ExpLQG:
		return &lqg{}
	case topic.ExpSensorimotor:
		return &sensorimotor{}
	}
	return &kalman{}
}

// controlPanel is the theory tab every control unit shares; the units
// with a Riccati equation add a tab showing its solution.
type controlPanel struct{}

func (controlPanel) tabs() []string { return []string{"Theory"} }
func (controlPanel) panel(_ *drawer, _ string, w int) string {
	return wrap(controlTheory, w)
}

// matrixTable prints a matrix under the state's names.
func matrixTable(names []string, m [][]float64, w int) string {
	var rows [][]string
	for i, r := range m {
		row := []string{names[i]}
		for _, v := range r {
			row = append(row, fmt.Sprintf("%.4g", v))
		}
		rows = append(rows, row)
	}
	return table(append([]string{""}, names...), rows, w, len(rows)+2)
}

// regulatorPanel shows the controller's Riccati solution, its gain and
// the closed loop's eigenvalues.
func regulatorPanel(g *sims.Regulator, w int) string {
	names := []string{"x", "ẋ", "θ", "θ̇"}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", wrap(fmt.Sprintf("X solves the DARE by the ordered Schur form of the symplectic matrix; iterating the recursion from X = Q agrees to %.1e after %d steps.", g.Agree, g.Iters), w))
	b.WriteString("\n" + wrap(fmt.Sprintf("K = (R + BᵀXB)⁻¹BᵀXA = (%.3f, %.3f, %.3f, %.3f)", g.K[0], g.K[1], g.K[2], g.K[3]), w) + "\n")
	b.WriteString("\neigenvalues of A − BK (20 ms a step):\n")
	for _, e := range g.Eig {
		fmt.Fprintf(&b, "  %.4f %+.4fi  |λ| %.4f\n", real(e), imag(e), cmplx.Abs(e))
	}
	b.WriteString("\nX, the cost-to-go xᵀXx:\n")
	b.WriteString(matrixTable(names, sims.Rows(g.X), w))
	return b.String()
}

const controlTheory = `One Riccati equation, two problems (Kalman 1960).
Control: x' = Ax + Bu, cost Σ xᵀQx + uᵀRu. The cost-to-go is xᵀXx with X = AᵀXA − AᵀXB(R + BᵀXB)⁻¹BᵀXA + Q, and the best action is u = −Kx, K = (R + BᵀXB)⁻¹BᵀXA.
Estimation: x' = Ax + w, z = Hx + v, Cov w = Q, Cov v = R. The filter predicts x⁻ = Ax̂, P⁻ = APAᵀ + Q and updates x̂ = x⁻ + K(z − Hx⁻), K = P⁻Hᵀ(HP⁻Hᵀ + R)⁻¹. Its P⁻ converges to the same equation's X with A → Aᵀ and B → Hᵀ: estimation is control run backwards in time (duality).
Here X is solved twice: by iterating the recursion and directly, from the ordered Schur form of the symplectic matrix (Laub 1979).
Overconfidence: a filter told the process noise is smaller than it is keeps P small, trusts its prediction and discounts the measurements; its errors outgrow what P claims. The normalised innovation squared νᵀS⁻¹ν then averages above its χ² band (2 a step for two measured coordinates).
LQG: with noisy measurements the best controller applies the same K to the filter's estimate (the separation principle); it pays more than the controller that sees the true state, by tr(Kᵀ(R + BᵀXB)KΣ) a step, Σ the filter's error covariance.
The brain (Wolpert, Ghahramani and Jordan 1995): to know where the hand is in the dark, combine a forward model (a copy of the motor command run through a model of the arm) with delayed, noisy proprioception, as a Kalman filter does. A forward model that overestimates the force makes the estimate run ahead until feedback builds up; the cerebellum is the proposed seat of such forward models.
Questions: why is the same equation both an estimator and a controller? Why can a filter be overconfident, and how does the NIS show it? What does the cerebellum have to do with forward models?`

// kalmanTrail is how many past steps of the target the plane shows.
const kalmanTrail = 30

// kalman is the filter tracking a target in the plane.
type kalman struct {
	controlPanel
	kf                *sims.Kalman
	truth, meas, est  [][2]float64 // the last kalmanTrail steps
	traceP, nis, errs trace
	err2, claim       float64 // summed squared error and claimed variance
}

func (s *kalman) reset(v topic.Values, seed uint64) error {
	kf, err := sims.NewKalman(topic.KalmanParams(v), seed)
	if err != nil {
		return err
	}
	s.kf = kf
	s.truth, s.meas, s.est = nil, nil, nil
	s.traceP.reset()
	s.nis.reset()
	s.errs.reset()
	s.err2, s.claim = 0, 0
	s.record()
	return nil
}

func (s *kalman) record() {
	kf := s.kf
	push := func(l [][2]float64, x, y float64) [][2]float64 {
		l = append(l, [2]float64{x, y})
		if len(l) > kalmanTrail {
			l = l[len(l)-kalmanTrail:]
		}
		return l
	}
	x, y := kf.Position()
	s.truth = push(s.truth, x, y)
	ex, ey := kf.Estimate()
	s.est = push(s.est, ex, ey)
	if kf.Steps > 0 {
		s.meas = push(s.meas, kf.Z[0], kf.Z[1])
		s.nis.add(float64(kf.Steps), kf.MeanNIS())
		xx, _, yy := kf.PositionCov(kf.P)
		s.err2 += kf.Error() * kf.Error()
		s.claim += xx + yy
		s.errs.add(float64(kf.Steps), kf.Error())
	}
	s.traceP.add(float64(kf.Steps), kf.TraceP())
}

func (s *kalman) step() { s.kf.Step(); s.record() }

func (s *kalman) tabs() []string { return []string{"Theory", "Riccati"} }

func (s *kalman) panel(d *drawer, name string, w int) string {
	if name != "Riccati" {
		return s.controlPanel.panel(d, name, w)
	}
	kf := s.kf
	names := []string{"x", "ẋ", "ẍ", "y", "ẏ", "ÿ"}
	if kf.Params().Model == sims.KalmanCV {
		names = []string{"x", "ẋ", "y", "ẏ"}
	}
	var b strings.Builder
	b.WriteString(wrap(fmt.Sprintf("The steady prior covariance X solves the DARE with A → Aᵀ, B → Hᵀ, by the ordered Schur form of the symplectic matrix; iterating from X = Q agrees to %.1e after %d steps. The filter's own P⁻ is now %.1e from it.",
		kf.DAREAgree, kf.DAREIter, kf.PriorGap()), w))
	b.WriteString("\n\nX, the steady prior covariance:\n")
	b.WriteString(matrixTable(names, sims.Rows(kf.DARE), w))
	b.WriteString("\n\nP, the covariance after the last update:\n")
	b.WriteString(matrixTable(names, sims.Rows(kf.P), w))
	return b.String()
}

// predictKey takes the first half of a step: the prediction alone.
var predictKey = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "predict only (n then updates)"))

func (s *kalman) keys() []key.Binding { return []key.Binding{predictKey} }

func (s *kalman) key(msg tea.KeyMsg) bool {
	if key.Matches(msg, predictKey) && !s.kf.Pending {
		s.kf.Predict()
		return true
	}
	return false
}

func (s *kalman) status() string {
	kf := s.kf
	out := fmt.Sprintf("error %.3g m · tr P %.4g → %.4g", kf.Error(), kf.TraceP(), kf.TraceSteady())
	if kf.Steps > 0 {
		lo, hi := sims.NISBand(kf.Steps, 0.95)
		out += fmt.Sprintf(" · NIS̄ %.3f in [%.2f, %.2f]?", kf.MeanNIS(), lo, hi)
	}
	if kf.Pending {
		out += " · predicted: n updates"
	}
	return out
}

// verdict says whether the mean NIS lies in its band.
func (s *kalman) verdict() (string, bool) {
	kf := s.kf
	if kf.Steps < 10 {
		return "too few steps to judge", true
	}
	lo, hi := sims.NISBand(kf.Steps, 0.95)
	switch m := kf.MeanNIS(); {
	case m > hi:
		return "above the band: overconfident", false
	case m < lo:
		return "below the band: underconfident", false
	}
	return "inside the band: consistent", true
}

func (s *kalman) layout(d *drawer) layout {
	kf, S := s.kf, d.S()
	p := kf.Params()
	legend := S.Series[0].Render("━ target") + "  " + S.Dim.Render("· measured") + "  " + S.Accent.Render("━ estimate") + "  " +
		S.Warn.Render("┅ 2σ predicted") + "  " + S.Accent.Render("━ 2σ updated")
	verdict, ok := s.verdict()
	vs := S.Good
	if !ok {
		vs = S.Bad
	}
	lo, hi := sims.NISBand(max(kf.Steps, 1), 0.95)
	rms, claimed, nis := "—", "—", "—"
	if kf.Steps > 0 {
		rms, claimed = fmt.Sprintf("%.3g", math.Sqrt(s.err2/float64(kf.Steps))), fmt.Sprintf("%.3g", math.Sqrt(s.claim/float64(kf.Steps)))
		nis = fmt.Sprintf("%.3f", kf.MeanNIS())
	}
	errBox := d.chart("error", "error against what P claims", S.Series[0].Render("━ |error|")+"  "+
		S.Series[1].Render("┅ claimed RMS "+claimed+" m")+"  "+S.Dim.Render("actual RMS "+rms+" m"), s.drawError)
	errBox.optional = true
	return layout{
		main:   d.chart("plane", fmt.Sprintf("%s target · σ %s m · dt %s s", p.Model, num(p.Sigma), num(p.Dt)), legend, s.drawPlane),
		update: s.lastUpdate(d),
		right: []box{
			d.chart("trace", "tr P against the DARE's steady value",
				S.Series[0].Render("━ tr P")+"  "+S.Series[1].Render(fmt.Sprintf("┅ DARE %.4g", kf.TraceSteady()))+"  "+
					S.Dim.Render(fmt.Sprintf("‖P⁻−X‖/‖X‖ %.1e; iteration took %d steps", kf.PriorGap(), kf.DAREIter)), s.drawTrace),
			d.chart("nis", "time-averaged NIS and its 95% χ² band",
				S.Series[0].Render("━ NIS̄ "+nis)+"  "+S.Series[2].Render(fmt.Sprintf("┈ band [%.2f, %.2f]", lo, hi))+"  "+vs.Render(verdict), s.drawNIS),
			errBox,
		},
	}
}

func (s *kalman) drawPlane(p *plot) string {
	p.xName, p.yName = "x (m)", "y (m)"
	kf, S := s.kf, p.c.S
	cx, cy := kf.Estimate()
	X := 1.0
	for _, l := range [][][2]float64{s.truth, s.meas, s.est} {
		for _, q := range l {
			X = math.Max(X, math.Max(math.Abs(q[0]-cx), 2*math.Abs(q[1]-cy)*float64(p.w-6)/float64(4*max(p.h-2, 1))))
		}
	}
	X = niceCeil(X * 1.05)
	Y := X * float64(4*max(p.h-2, 1)) / float64(2*max(p.w-6, 1))
	xs := func(l [][2]float64, k int) []float64 {
		out := make([]float64, len(l))
		for i, q := range l {
			out[i] = q[k]
		}
		return out
	}
	ss := []series{
		{xs: xs(s.truth, 0), ys: xs(s.truth, 1), style: S.Series[0]},
		{xs: xs(s.est, 0), ys: xs(s.est, 1), style: S.Accent},
	}
	if kf.Steps > 0 || kf.Pending {
		px, py := kf.PriorEstimate()
		xx, xy, yy := kf.PositionCov(kf.Pprior)
		ex, ey := sims.Ellipse(px, py, xx, xy, yy, 60)
		ss = append(ss, series{xs: ex, ys: ey, style: S.Warn, dash: dashed})
	}
	if !kf.Pending { // after the prediction alone, no update yet
		xx, xy, yy := kf.PositionCov(kf.P)
		ex, ey := sims.Ellipse(cx, cy, xx, xy, yy, 60)
		ss = append(ss, series{xs: ex, ys: ey, style: S.Accent})
	} else {
		px, py := kf.PriorEstimate()
		ss = append(ss, series{xs: []float64{cx, px}, ys: []float64{cy, py}, style: S.Warn})
	}
	ss = append(ss, series{xs: xs(s.meas, 0), ys: xs(s.meas, 1), style: S.Dim, glyph: '·'})
	tx, ty := kf.Position()
	ss = append(ss, series{xs: []float64{tx}, ys: []float64{ty}, style: S.Series[0], glyph: '●'})
	p.draw([2]float64{cx - X, cx + X}, [2]float64{cy - Y, cy + Y}, ss...)
	return ""
}

func (s *kalman) drawTrace(p *plot) string {
	p.xName, p.yName = "step", "tr P"
	p.intX = true
	kf, S := s.kf, p.c.S
	xmax := math.Max(10, float64(kf.Steps))
	ymax := maxOf(kf.TraceSteady(), s.traceP.ys)
	p.draw([2]float64{0, xmax}, [2]float64{0, ymax * 1.1},
		hline(0, xmax, kf.TraceSteady(), S.Series[1], dashed),
		series{xs: s.traceP.xs, ys: s.traceP.ys, style: S.Series[0]})
	return ""
}

func (s *kalman) drawNIS(p *plot) string {
	p.xName, p.yName = "step", "NIS̄"
	p.intX = true
	kf, S := s.kf, p.c.S
	if kf.Steps == 0 {
		return "take a step: the NIS is measured at each update"
	}
	xmax := math.Max(10, float64(kf.Steps))
	var bx, blo, bhi []float64
	for i := 0; i <= 60; i++ {
		n := max(1, int(math.Round(xmax*float64(i)/60)))
		lo, hi := sims.NISBand(n, 0.95)
		bx, blo, bhi = append(bx, float64(n)), append(blo, lo), append(bhi, hi)
	}
	ymax := 4.0
	for _, y := range s.nis.ys {
		ymax = math.Max(ymax, math.Min(y, 20))
	}
	p.draw([2]float64{0, xmax}, [2]float64{0, ymax},
		series{xs: bx, ys: blo, style: S.Series[2], dash: dotted},
		series{xs: bx, ys: bhi, style: S.Series[2], dash: dotted},
		hline(0, xmax, 2, S.Series[1], dashed),
		series{xs: s.nis.xs, ys: s.nis.ys, style: S.Series[0]})
	return ""
}

func (s *kalman) drawError(p *plot) string {
	p.xName, p.yName = "step", "m"
	p.intX = true
	kf, S := s.kf, p.c.S
	if kf.Steps == 0 {
		return "take a step to compare the error with what P claims"
	}
	xmax := math.Max(10, float64(kf.Steps))
	claimed := math.Sqrt(s.claim / float64(kf.Steps))
	ymax := maxOf(2*claimed, s.errs.ys)
	p.draw([2]float64{0, xmax}, [2]float64{0, ymax * 1.05},
		hline(0, xmax, claimed, S.Series[1], dashed),
		series{xs: s.errs.xs, ys: s.errs.ys, style: S.Series[0]})
	return ""
}

func (s *kalman) lastUpdate(d *drawer) string {
	kf, S := s.kf, d.S()
	px, py := kf.PriorEstimate()
	if kf.Pending {
		pxx, _, _ := kf.PositionCov(kf.Pprior)
		xx, _, _ := kf.PositionCov(kf.P)
		return S.Warn.Render(fmt.Sprintf("predicted: x⁻ = Ax̂ = (%.2f, %.2f), σx %.3f → %.3f", px, py, math.Sqrt(xx), math.Sqrt(pxx))) + "\n" +
			S.Dim.Render("the ellipse grew by Q; press n: the measurement arrives and the update shrinks it")
	}
	if kf.Steps == 0 {
		return S.Dim.Render("n: the target moves, the filter predicts (the ellipse grows) and updates (it shrinks); p: predict alone")
	}
	ex, ey := kf.Estimate()
	pxx, _, _ := kf.PositionCov(kf.Pprior)
	xx, _, _ := kf.PositionCov(kf.P)
	return S.Warn.Render(fmt.Sprintf("x⁻ = Ax̂ = (%.2f, %.2f) σx %.3f", px, py, math.Sqrt(pxx))) + "\n" +
		fmt.Sprintf("z = (%.2f, %.2f) ν = (%+.2f, %+.2f)", kf.Z[0], kf.Z[1], kf.Innov[0], kf.Innov[1]) + "\n" +
		S.Accent.Render(fmt.Sprintf("x̂ = x⁻ + Kν = (%.2f, %.2f) σx %.3f", ex, ey, math.Sqrt(xx))) + "\n" +
		S.Dim.Render(fmt.Sprintf("Kxx %.3f, NIS %.3f, NEES %.3g", kf.K.At(0, 0), kf.NIS, kf.NEES))
}

// Cart-pole pictures.

var (
	pushLeft  = key.NewBinding(key.WithKeys("["), key.WithHelp("[", "tap the pole left"))
	pushRight = key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "tap the pole right"))
)

// tap is the change of the pole's angular velocity a tap gives, rad/s.
const tap = 0.5

// tapKey reports the tap a key gives (0 if none).
func tapKey(msg tea.KeyMsg) float64 {
	switch {
	case key.Matches(msg, pushLeft):
		return -tap
	case key.Matches(msg, pushRight):
		return tap
	}
	return 0
}

// drawCartPole draws the track, the cart at state s with its pole and the
// force u as an arrow; ghost, if set, is an estimated pole drawn faintly.
func drawCartPole(c *Common, w, h int, s [4]float64, u float64, ghost *[4]float64) string {
	if w < 4 || h < 2 {
		return block("", w, h)
	}
	S := c.S
	// metres a braille dot: the whole track across, or the pole's height
	// up, whichever needs more; a window narrower than the track follows
	// the cart
	mpd := math.Max(2*(sims.Track+0.3)/float64(2*w), 1.6/float64(4*h))
	half := mpd * float64(2*w) / 2
	cx := 0.0
	if half < sims.Track+0.3 {
		cx = math.Max(-sims.Track-0.3+half, math.Min(sims.Track+0.3-half, s[0]))
	}
	k := c.newSketch(w, h, [2]float64{cx - half, cx + half}, mpd*float64(4*h)/2-0.3)
	const cartW, cartH = 0.25, 0.15
	pole := 2 * sims.Barto83.L
	k.lines(S.Dim, []float64{-sims.Track, 0, sims.Track, 0}, []float64{-sims.Track, 0, -sims.Track, 0.2}, []float64{sims.Track, 0, sims.Track, 0.2})
	if ghost != nil {
		g := *ghost
		k.lines(S.Series[1], []float64{g[0], cartH, g[0] + pole*math.Sin(g[2]), cartH + pole*math.Cos(g[2])})
	}
	x := s[0]
	k.lines(S.Accent, []float64{x - cartW, 0.02, x + cartW, 0.02, x + cartW, cartH, x - cartW, cartH, x - cartW, 0.02})
	k.lines(S.Series[0], []float64{x, cartH, x + pole*math.Sin(s[2]), cartH + pole*math.Cos(s[2])})
	if a := math.Max(-1.5, math.Min(1.5, u*0.1)); math.Abs(a) > 0.02 {
		start := x - cartW
		if a > 0 {
			start = x + cartW
		}
		tip := start + a
		dir := math.Copysign(0.08, a)
		k.lines(S.Warn, []float64{start, cartH / 2, tip, cartH / 2}, []float64{tip - dir, cartH/2 + 0.06, tip, cartH / 2, tip - dir, cartH/2 - 0.06})
	}
	return k.view()
}

// cartPoleLegend names the picture's parts.
func cartPoleLegend(S Styles) string {
	return S.Accent.Render("▭ cart") + "  " + S.Series[0].Render("╱ pole") + "  " + S.Warn.Render("→ force F (10 N a metre)") + "  " +
		S.Dim.Render(fmt.Sprintf("track ±%g m; pole 1 m, 0.1 kg; cart 1 kg", sims.Track))
}

// lqr is the regulator balancing the cart-pole.
type lqr struct {
	controlPanel
	l         *sims.LQR
	theta, xs trace
	us        trace
	tapped    float64 // the last tap, shown in the update
}

func (s *lqr) reset(v topic.Values, _ uint64) error {
	l, err := sims.NewLQR(topic.LQRParams(v))
	if err != nil {
		return err
	}
	s.l, s.tapped = l, 0
	s.theta.reset()
	s.xs.reset()
	s.us.reset()
	s.record()
	return nil
}

func (s *lqr) record() {
	s.theta.add(s.l.T, s.l.S[2])
	s.xs.add(s.l.T, s.l.S[0])
	if s.l.Steps > 0 {
		s.us.add(s.l.T, s.l.U)
	}
}

func (s *lqr) step() {
	if s.l.Done() {
		return
	}
	s.l.Step()
	s.tapped = 0
	s.record()
}

func (s *lqr) keys() []key.Binding { return []key.Binding{pushLeft, pushRight} }

func (s *lqr) tabs() []string { return []string{"Theory", "Riccati"} }

func (s *lqr) panel(d *drawer, name string, w int) string {
	if name != "Riccati" {
		return s.controlPanel.panel(d, name, w)
	}
	return regulatorPanel(s.l.G, w)
}

func (s *lqr) key(msg tea.KeyMsg) bool {
	if w := tapKey(msg); w != 0 && !s.l.Done() {
		s.l.Push(w)
		s.tapped = w
		return true
	}
	return false
}

func (s *lqr) finished(topic.Values) (bool, string) {
	return s.l.Done(), fallReason(s.l.S)
}

// fallReason says why a cart-pole run is over.
func fallReason(st [4]float64) string {
	if math.Abs(st[0]) > sims.Track {
		return "the cart left the track"
	}
	return "the pole fell"
}

func (s *lqr) status() string {
	l := s.l
	return fmt.Sprintf("t %.2f s · θ %+.4f rad · x %+.3f m · F %+.2f N · cost %.4g", l.T, l.S[2], l.S[0], l.U, l.Cost)
}

func (s *lqr) layout(d *drawer) layout {
	l, S := s.l, d.S()
	p := l.Params()
	main := box{title: fmt.Sprintf("LQR · qx %s · qθ %s · r %s", num(p.Qx), num(p.Qtheta), num(p.R)), min: 5,
		legend: cartPoleLegend(S), draw: func(w, h int) string { return drawCartPole(d.c, w, h, l.S, l.U, nil) }}
	return layout{
		main:   main,
		update: s.lastUpdate(d),
		right: []box{
			d.chart("theta", "pole angle θ", S.Series[0].Render("━ θ")+"  "+S.Series[2].Render("┈ ±0.01 rad"), s.drawTheta),
			d.chart("force", "cart position and force", S.Series[0].Render("━ x (m)")+"  "+S.Series[1].Render("┅ F/10 (N)"), s.drawForce),
		},
	}
}

func (s *lqr) drawTheta(p *plot) string { return drawAngle(p, s.theta, s.l.T, nil) }

// drawAngle plots θ(t) with the ±0.01 rad band and, if est is set, the
// filter's estimate.
func drawAngle(p *plot, theta trace, now float64, est *trace) string {
	p.xName, p.yName = "t (s)", "θ (rad)"
	S := p.c.S
	tmax := math.Max(2, now)
	lim := 0.02
	for _, y := range theta.ys {
		lim = math.Max(lim, math.Abs(y))
	}
	lim *= 1.1
	ss := []series{
		{xs: []float64{0, tmax}, ys: []float64{0.01, 0.01}, style: S.Series[2], dash: dotted},
		{xs: []float64{0, tmax}, ys: []float64{-0.01, -0.01}, style: S.Series[2], dash: dotted},
	}
	if est != nil {
		ss = append(ss, series{xs: est.xs, ys: est.ys, style: S.Series[1], dash: dashed})
	}
	ss = append(ss, series{xs: theta.xs, ys: theta.ys, style: S.Series[0]})
	p.draw([2]float64{0, tmax}, [2]float64{-lim, lim}, ss...)
	return ""
}

func (s *lqr) drawForce(p *plot) string {
	p.xName, p.yName = "t (s)", ""
	S := p.c.S
	tmax := math.Max(2, s.l.T)
	lim := 0.1
	scaled := make([]float64, len(s.us.ys))
	for i, u := range s.us.ys {
		scaled[i] = u / 10
		lim = math.Max(lim, math.Abs(scaled[i]))
	}
	for _, x := range s.xs.ys {
		lim = math.Max(lim, math.Abs(x))
	}
	lim *= 1.1
	p.draw([2]float64{0, tmax}, [2]float64{-lim, lim},
		series{xs: s.us.xs, ys: scaled, style: S.Series[1], dash: dashed},
		series{xs: s.xs.xs, ys: s.xs.ys, style: S.Series[0]})
	return ""
}

func (s *lqr) lastUpdate(d *drawer) string {
	l, S := s.l, d.S()
	K := l.G.K
	gain := fmt.Sprintf("K = (%.2f, %.2f, %.2f, %.2f); |λ| ≤ %.4f", K[0], K[1], K[2], K[3], l.G.Radius())
	if l.Steps == 0 {
		return S.Dim.Render("n: apply F = −Ks for 20 ms; [ ] tap the pole\n") + gain
	}
	out := fmt.Sprintf("F = −K·s, s = (%+.3f, %+.3f, %+.4f, %+.4f): F = %+.3f N", l.S[0], l.S[1], l.S[2], l.S[3], l.U)
	if s.tapped != 0 {
		out = S.Warn.Render(fmt.Sprintf("tapped: θ̇ %+.1f rad/s", s.tapped)) + "\n" + out
	}
	return out + "\n" + S.Dim.Render(gain)
}

// lqg is the regulator on the filter's estimate beside the one on the true
// state, under the same pushes.
type lqg struct {
	controlPanel
	l                *sims.LQG
	theta, est, errs trace
	cost, costF      trace
}

func (s *lqg) reset(v topic.Values, seed uint64) error {
	l, err := sims.NewLQG(topic.LQGParams(v), seed)
	if err != nil {
		return err
	}
	s.l = l
	for _, t := range []*trace{&s.theta, &s.est, &s.errs, &s.cost, &s.costF} {
		t.reset()
	}
	s.record()
	return nil
}

func (s *lqg) record() {
	l := s.l
	s.theta.add(l.T, l.S[2])
	s.est.add(l.T, l.Est[2])
	if l.Steps > 0 {
		e, f := l.MeanCosts()
		s.cost.add(l.T, e)
		s.costF.add(l.T, f)
	}
}

func (s *lqg) step() {
	if s.l.Done() {
		return
	}
	s.l.Step()
	s.record()
}

func (s *lqg) keys() []key.Binding { return []key.Binding{pushLeft, pushRight} }

func (s *lqg) tabs() []string { return []string{"Theory", "Riccati"} }

func (s *lqg) panel(d *drawer, name string, w int) string {
	if name != "Riccati" {
		return s.controlPanel.panel(d, name, w)
	}
	l := s.l
	return regulatorPanel(l.G, w) + "\n\n" + wrap("The filter's steady covariance after an update, Σ (the same DARE with A → Aᵀ, B → Hᵀ):", w) + "\n" +
		matrixTable([]string{"x", "ẋ", "θ", "θ̇"}, sims.Rows(l.FilterPost), w)
}

func (s *lqg) key(msg tea.KeyMsg) bool {
	if w := tapKey(msg); w != 0 && !s.l.Done() {
		s.l.S[3] += w
		s.l.Full[3] += w
		return true
	}
	return false
}

func (s *lqg) finished(topic.Values) (bool, string) {
	if !sims.Upright(s.l.S) {
		return true, fallReason(s.l.S) + " (on the estimate)"
	}
	return s.l.Done(), fallReason(s.l.Full) + " (full information)"
}

func (s *lqg) status() string {
	l := s.l
	e, f := l.MeanCosts()
	return fmt.Sprintf("t %.2f s · θ %+.4f, θ̂ %+.4f rad · cost a step %.4g on x̂, %.4g on x", l.T, l.S[2], l.Est[2], e, f)
}

func (s *lqg) layout(d *drawer) layout {
	l, S := s.l, d.S()
	p := l.Params()
	main := box{title: fmt.Sprintf("LQG · noise %s · push %s N", num(p.SigmaX), num(p.Force)), min: 7,
		legend: cartPoleLegend(S) + "  " + S.Series[1].Render("╱ estimated pole"),
		draw: func(w, h int) string {
			if h < 8 { // room for one: the cart on the estimate
				return S.Dim.Render(fmt.Sprintf("on x̂ (full information: θ %+.4f)", l.Full[2])) + "\n" + drawCartPole(d.c, w, h-1, l.S, l.U, &l.Est)
			}
			top := (h - 2) / 2
			return S.Dim.Render("on the filter's estimate x̂") + "\n" + drawCartPole(d.c, w, top, l.S, l.U, &l.Est) + "\n" +
				S.Dim.Render("on the true state x (full information)") + "\n" + drawCartPole(d.c, w, h-2-top, l.Full, l.UFull, nil)
		}}
	te, tf := l.TheoryCosts()
	costs := "━ on x̂ —  ━ on x —"
	if e, f := l.MeanCosts(); l.Steps > 0 {
		costs = fmt.Sprintf("━ on x̂ %.4g  ━ on x %.4g", e, f)
	}
	return layout{
		main:   main,
		update: s.lastUpdate(d),
		right: []box{
			d.chart("cost", "running cost a step: on x̂ against on x",
				S.Series[0].Render(costs)+"  "+
					S.Series[1].Render(fmt.Sprintf("┅ linear theory %.4g, %.4g", te, tf)), s.drawCost),
			d.chart("angle", "pole angle and its estimate", S.Series[0].Render("━ θ")+"  "+S.Series[1].Render("┅ θ̂")+"  "+S.Series[2].Render("┈ ±0.01 rad"),
				func(p *plot) string { return drawAngle(p, s.theta, s.l.T, &s.est) }),
		},
	}
}

func (s *lqg) drawCost(p *plot) string {
	p.xName, p.yName = "t (s)", "cost"
	l, S := s.l, p.c.S
	if l.Steps == 0 {
		return "take a step: the cost is summed from the first control"
	}
	tmax := math.Max(2, l.T)
	te, tf := l.TheoryCosts()
	ymax := maxOf(te, s.cost.ys, s.costF.ys)
	p.logY = true
	ymin := tf
	for _, y := range s.costF.ys {
		if y > 0 {
			ymin = math.Min(ymin, y)
		}
	}
	p.draw([2]float64{0, tmax}, [2]float64{math.Max(ymin/2, ymax*1e-6), ymax * 2},
		hline(0, tmax, te, S.Series[1], dashed),
		hline(0, tmax, tf, S.Series[1], dashed),
		series{xs: s.costF.xs, ys: s.costF.ys, style: S.Series[2]},
		series{xs: s.cost.xs, ys: s.cost.ys, style: S.Series[0]})
	return ""
}

func (s *lqg) lastUpdate(d *drawer) string {
	l, S := s.l, d.S()
	K := l.G.K
	meas := fmt.Sprintf("z = (%+.4f m, %+.4f rad), ν = (%+.4f, %+.4f); θ̂ %+.4f, error %.2g rad",
		l.Z[0], l.Z[1], l.Innov[0], l.Innov[1], l.Est[2], l.EstimateError())
	if l.Steps == 0 {
		return S.Dim.Render("n: F = −K·x̂ and F = −K·x, the same push\n") + meas
	}
	return fmt.Sprintf("F = −K·x̂ = %+.3f N; F = −K·x = %+.3f N; one K, θ column %.2f", l.U, l.UFull, K[2]) + "\n" + meas
}

// sensorimotor is the hand estimated in the dark, trial after trial.
type sensorimotor struct {
	controlPanel
	s *sims.Sensorimotor
}

func (u *sensorimotor) reset(v topic.Values, seed uint64) error {
	s, err := sims.NewSensorimotor(topic.SensorimotorParams(v), seed)
	if err != nil {
		return err
	}
	u.s = s
	return nil
}

func (u *sensorimotor) step()               { u.s.Step() }
func (u *sensorimotor) keys() []key.Binding { return nil }
func (u *sensorimotor) key(tea.KeyMsg) bool { return false }
func (u *sensorimotor) finished(v topic.Values) (bool, string) {
	return u.s.Trials >= v.Int("trials"), fmt.Sprintf("%d trials done", u.s.Trials)
}

func (u *sensorimotor) status() string {
	tp, b := u.s.PeakBias()
	return fmt.Sprintf("%d trials · theory: bias peaks at %.2f s (%+.2f cm)", u.s.Trials, tp, 100*b)
}

func (u *sensorimotor) layout(d *drawer) layout {
	S := d.S()
	p := u.s.Params()
	return layout{
		main: d.chart("bias", fmt.Sprintf("final bias x̂ − x · γ %s · f %s N", num(p.Overestimate), num(p.External)),
			S.Series[0].Render("● trials' mean ± 1 se")+"  "+S.Series[1].Render("┅ Kalman filter with the forward model"), u.drawBias),
		update: u.lastUpdate(d),
		right: []box{
			d.chart("variance", "variance of the estimate's error", S.Series[0].Render("● trials")+"  "+S.Series[1].Render("┅ theory"), u.drawVariance),
			d.chart("trial", "the last movement", S.Series[0].Render("━ hand x")+"  "+S.Accent.Render("┅ estimate x̂")+"  "+S.Series[2].Render("┈ x̂ ± 2σ"), u.drawTrial),
		},
	}
}

// movementCurve is the theory against movement time, scaled.
func (u *sensorimotor) movementCurve(scale float64, variance bool) (xs, ys []float64) {
	for t := 0.0; t <= 2.5+1e-9; t += 0.02 {
		b, v := u.s.Theory(t)
		if variance {
			b = v
		}
		xs, ys = append(xs, t), append(ys, b*scale)
	}
	return xs, ys
}

func (u *sensorimotor) drawBias(p *plot) string {
	p.xName, p.yName = "movement time (s)", "bias (cm)"
	S := p.c.S
	tx, ty := u.movementCurve(100, false)
	lo, hi := 0.0, 0.0
	for _, y := range ty {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	var mx, my []float64
	ss := []series{{xs: tx, ys: ty, style: S.Series[1], dash: dashed}}
	for i, t := range sims.MovementTimes {
		b, v, n := u.s.Measured(i)
		if n == 0 {
			continue
		}
		mx, my = append(mx, t), append(my, 100*b)
		lo, hi = math.Min(lo, 100*b), math.Max(hi, 100*b)
		if n > 1 {
			se := 100 * math.Sqrt(v/float64(n))
			ss = append(ss, series{xs: []float64{t, t}, ys: []float64{100*b - se, 100*b + se}, style: S.Series[0]})
			lo, hi = math.Min(lo, 100*b-se), math.Max(hi, 100*b+se)
		}
	}
	ss = append(ss, series{xs: mx, ys: my, style: S.Series[0], glyph: '●'})
	pad := math.Max(0.05, (hi-lo)*0.1)
	p.draw([2]float64{0, 2.6}, [2]float64{lo - pad, hi + pad}, ss...)
	return ""
}

func (u *sensorimotor) drawVariance(p *plot) string {
	p.xName, p.yName = "movement time (s)", "cm²"
	S := p.c.S
	tx, ty := u.movementCurve(1e4, true)
	hi := maxOf(0.0, ty)
	var mx, my []float64
	for i, t := range sims.MovementTimes {
		if _, v, n := u.s.Measured(i); n > 1 {
			mx, my = append(mx, t), append(my, 1e4*v)
			hi = math.Max(hi, 1e4*v)
		}
	}
	p.draw([2]float64{0, 2.6}, [2]float64{0, math.Max(hi*1.15, 1e-6)},
		series{xs: tx, ys: ty, style: S.Series[1], dash: dashed},
		series{xs: mx, ys: my, style: S.Series[0], glyph: '●'})
	return ""
}

func (u *sensorimotor) drawTrial(p *plot) string {
	p.xName, p.yName = "t (s)", "x (cm)"
	S := p.c.S
	tr := u.s.Last
	if len(tr.X) < 2 {
		return "take a step: each is one movement in the dark"
	}
	n := len(tr.X)
	ts := make([]float64, n)
	x, e, up, dn := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	lo, hi := 0.0, 0.0
	for i := range n {
		ts[i] = float64(i) * sims.SensorimotorDt
		x[i], e[i] = 100*tr.X[i], 100*tr.Est[i]
		up[i], dn[i] = e[i]+200*tr.Sd[i], e[i]-200*tr.Sd[i]
		lo, hi = math.Min(lo, math.Min(x[i], dn[i])), math.Max(hi, math.Max(x[i], up[i]))
	}
	p.draw([2]float64{0, 2.6}, [2]float64{lo, hi + math.Max(0.1, (hi-lo)*0.05)},
		series{xs: ts, ys: up, style: S.Series[2], dash: dotted},
		series{xs: ts, ys: dn, style: S.Series[2], dash: dotted},
		series{xs: ts, ys: e, style: S.Accent, dash: dashed},
		series{xs: ts, ys: x, style: S.Series[0]})
	return ""
}

func (u *sensorimotor) lastUpdate(d *drawer) string {
	S := d.S()
	tr := u.s.Last
	if len(tr.X) < 2 {
		return S.Dim.Render("press n for one movement in the dark of a random time 0.5–2.5 s; the brain's estimate of the hand is a Kalman filter: forward model x̂⁻ = Ax̂ + B(1+γ)u, feedback x̂ = x̂⁻ + K(y − x̂⁻)")
	}
	tb, tv := u.s.Theory(tr.T)
	k := int(math.Round(tr.T / sims.SensorimotorDt))
	return fmt.Sprintf("trial %d: %.2f s; hand at %.2f cm, estimate %.2f cm: error %+.2f cm", u.s.Trials, tr.T, 100*tr.X[k], 100*tr.Est[k], 100*tr.Err) + "\n" +
		S.Dim.Render(fmt.Sprintf("theory at %.2f s: bias %+.2f cm, sd %.2f cm", tr.T, 100*tb, 100*math.Sqrt(tv)))
}
