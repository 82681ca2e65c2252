package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// boltzmann is the Boltzmann-machine screen: the 1985 encoder annealing
// sweep by sweep, awake and asleep, or an RBM learning MNIST.
type boltzmann struct {
	c     *Common
	l     columns
	enc   *models.Encoder
	rbm   *models.RBMTrainer
	curve plot
	lower plot
	view  int
	// encoder: evaluated at the end of cycles
	correct, g trace
	tests      []models.Completion
	solved     bool
	klX, klY   []float64 // KL of sampled from exact against samples
	// rbm
	recon, pl, gap trace
	dreams         [][]float64
}

func newBoltzmannScreen(c *Common, t *topic.Topic, v topic.Values, seed uint64) Screen {
	s := &boltzmann{c: c}
	s.curve.c, s.lower.c = c, c
	return newRunner(c, t, legacyOf(func() sim { return s }), v, seed, 8) // 500 sweeps a tick: a few learning cycles a second
}

func (s *boltzmann) reset(v topic.Values, seed uint64) error {
	s.correct.reset()
	s.g.reset()
	s.recon.reset()
	s.pl.reset()
	s.gap.reset()
	s.tests, s.klX, s.klY, s.dreams = nil, nil, nil, nil
	if v.Choice("part") == topic.PartRBM {
		tr, err := models.NewRBMTrainer(topic.RBMParams(v), v.MNISTDir(), seed)
		if err != nil {
			return err
		}
		s.rbm, s.enc = tr, nil
		return nil
	}
	e, err := models.NewEncoder(topic.EncoderParams(v), seed)
	if err != nil {
		return err
	}
	s.enc, s.rbm = e, nil
	s.evaluate()
	return nil
}

// evaluate computes the encoder's completions exactly and records its
// learning curve.
func (s *boltzmann) evaluate() {
	e := s.enc
	s.solved, s.tests = e.Solved()
	var right float64
	for _, c := range s.tests {
		right += c.PRight / float64(len(s.tests))
	}
	s.correct.add(float64(e.Cycles), right)
	s.g.add(float64(e.Cycles), e.G())
}

// equilibrium samples the free machine at the statistics temperature and
// measures the KL divergence of the visited states from the exact
// Boltzmann distribution as the samples accumulate.
func (s *boltzmann) equilibrium() {
	e := s.enc
	saved := append([]float64(nil), e.S...)
	sched := e.Params().Schedule
	T := sched[len(sched)-1].T
	p := e.Exact(T)
	hist := make([]float64, len(p))
	s.klX, s.klY = nil, nil
	total := 0
	for _, n := range []int{25, 50, 100, 200, 400, 800, 1600, 3200} {
		e.Gibbs(T, n-total, hist)
		total = n
		q := make([]float64, len(hist))
		for x := range q {
			q[x] = hist[x] / float64(total)
		}
		s.klX, s.klY = append(s.klX, float64(total)), append(s.klY, models.KL(q, p))
	}
	copy(e.S, saved)
}

func (s *boltzmann) step() {
	if s.rbm != nil {
		s.rbm.Step()
		s.recon.add(float64(s.rbm.Batches), s.rbm.Last)
		if s.rbm.Batches%50 == 0 {
			s.measureRBM()
		}
		return
	}
	if s.enc.StepSweep() && s.enc.Cycles%5 == 0 {
		s.evaluate()
	}
}

func (s *boltzmann) finished(v topic.Values) (bool, string) {
	if s.rbm == nil {
		return false, ""
	}
	n := v.Int("epochs")
	return s.rbm.Batches >= n*s.rbm.Data.Train.Len()/s.rbm.RBM.Params().Batch, fmt.Sprintf("%d epoch(s) trained", n)
}

func (s *boltzmann) measureRBM() {
	idx := make([]int, 200)
	for i := range idx {
		idx[i] = i
	}
	b := float64(s.rbm.Batches)
	s.pl.add(b, s.rbm.RBM.PseudoLikelihood(s.rbm.Data.Val, idx))
	s.gap.add(b, s.rbm.FreeEnergyGap())
}

func (s *boltzmann) setSize(w, h int) {
	s.l = columns{w, h}
	s.curve.setSize(s.l.rightW()-2, s.l.rightH(0, 2)-3)
	s.lower.setSize(s.l.rightW()-2, s.l.rightH(1, 2)-3)
}

func (s *boltzmann) panelSize() (int, int) { return s.l.panelSize() }
func (s *boltzmann) tabs() []string        { return []string{"Theory"} }
func (s *boltzmann) keys() []key.Binding   { return []key.Binding{viewKey} }

func (s *boltzmann) key(msg tea.KeyMsg) bool {
	if key.Matches(msg, viewKey) {
		n := 3
		if s.rbm != nil {
			n = 4
		}
		s.view = (s.view + 1) % n
		if s.enc != nil && s.view == 2 {
			s.equilibrium()
		}
		return true
	}
	return false
}

func (s *boltzmann) status() string {
	if s.rbm != nil {
		return fmt.Sprintf("epoch %d, batch %d · reconstruction error %.2f", s.rbm.RBM.Epoch+1, s.rbm.Batches, s.rbm.Last)
	}
	e := s.enc
	return fmt.Sprintf("cycle %d · sweep %d · %s · T = %g", e.Cycles+1, e.Sweeps, e.Phase, e.T)
}

func (s *boltzmann) redraw(v topic.Values, live bool) {
	if s.l.w == 0 {
		return
	}
	if s.rbm != nil {
		s.drawRBM()
		return
	}
	xmax := math.Max(10, float64(s.enc.Cycles))
	gmax := 0.0
	for _, g := range s.g.ys {
		gmax = math.Max(gmax, g)
	}
	// G scaled into [0, 1] beside the fraction correct
	gs := make([]float64, len(s.g.ys))
	for i, g := range s.g.ys {
		gs[i] = g / math.Max(gmax, 1e-9)
	}
	s.curve.draw([2]float64{0, xmax}, [2]float64{0, 1.05},
		series{xs: s.g.xs, ys: gs, style: s.c.S.Series[1]},
		series{xs: s.correct.xs, ys: s.correct.ys, style: s.c.S.Series[0]})
	if s.view == 2 && len(s.klX) > 0 {
		s.lower.logX, s.lower.logY = true, true
		lo := math.Inf(1)
		for _, y := range s.klY {
			if y > 0 {
				lo = math.Min(lo, y)
			}
		}
		s.lower.draw([2]float64{s.klX[0], s.klX[len(s.klX)-1]}, [2]float64{math.Max(lo/2, 1e-4), math.Max(s.klY[0]*2, 1e-3)},
			series{xs: s.klX, ys: s.klY, style: s.c.S.Series[0]},
			series{xs: s.klX, ys: s.klY, style: s.c.S.Series[0], glyph: '●'})
	}
}

func (s *boltzmann) drawRBM() {
	xmax := math.Max(10, float64(s.rbm.Batches))
	ymax := 1.0
	for _, y := range s.recon.ys {
		ymax = math.Max(ymax, y)
	}
	s.curve.draw([2]float64{0, xmax}, [2]float64{0, ymax * 1.05},
		series{xs: s.recon.xs, ys: s.recon.ys, style: s.c.S.Series[0]})
	tr := &s.pl
	if s.view == 3 {
		tr = &s.gap
	}
	if s.view >= 2 && len(tr.xs) > 1 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, y := range tr.ys {
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
		pad := math.Max((hi-lo)*0.1, 0.5)
		s.lower.logX, s.lower.logY = false, false
		s.lower.draw([2]float64{0, xmax}, [2]float64{lo - pad, hi + pad},
			series{xs: tr.xs, ys: tr.ys, style: s.c.S.Series[1]})
	}
}

func (s *boltzmann) body(panel func(h int) string) string {
	if s.rbm != nil {
		return s.rbmBody(panel)
	}
	l, e := s.l, s.enc
	p := e.Params()
	unit := func(i int) string {
		if e.S[i] > 0 {
			return s.c.S.Accent.Render("●")
		}
		return s.c.S.Dim.Render("○")
	}
	group := func(lo, hi int) string {
		var b strings.Builder
		for i := lo; i < hi; i++ {
			b.WriteString(unit(i) + " ")
		}
		return b.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  V1  %s   H  %s   V2  %s\n", group(0, p.N), group(2*p.N, e.Units()), group(p.N, 2*p.N))
	fmt.Fprintf(&b, "  %s at T = %g\n", e.Phase, e.T)
	b.WriteString("  exact, T = 10: pattern → V2, P(right), code\n")
	for k, t := range s.tests {
		code := ""
		for h := 0; h < p.H; h++ {
			code += fmt.Sprint(t.Code >> h & 1)
		}
		out := "mixed" // several V2 units on
		if t.Out == 0 {
			out = "none"
		}
		for i := 0; i < p.N; i++ {
			if t.Out == 1<<i {
				out = fmt.Sprint(i + 1)
			}
		}
		mark := s.c.S.Good.Render("✓")
		if !t.Right {
			mark = s.c.S.Bad.Render("✗")
		}
		fmt.Fprintf(&b, "  %7d → %-5s %s %.2f  %s\n", k+1, out, mark, t.PRight, code)
	}
	verdict := s.c.S.Bad.Render("not solved")
	if s.solved {
		verdict = s.c.S.Good.Render("solved: distinct codes, every V2 right")
	}
	b.WriteString("  " + verdict + "\n")
	main := s.c.box(fmt.Sprintf("%d-%d-%d encoder (Ackley, Hinton and Sejnowski 1985)", p.N, p.H, p.N), b.String(), l.leftW(), l.mainH(), false)
	f := last(s.correct.ys)
	curve := s.c.chartBox("learning: P(right V2) and G", &s.curve,
		s.c.S.Series[0].Render(fmt.Sprintf("━ P(right) %.2f", f))+"  "+s.c.S.Series[1].Render(fmt.Sprintf("━ G = %.3f nats (scaled)", last(s.g.ys))), l.rightW(), l.rightH(0, 2))
	var title, content string
	switch s.view {
	case 0:
		title, content = "weights (rows and columns: V1, V2, H)", s.matrix(e.W, "%5.0f")
	case 1:
		title = "wake p⁺ − sleep p⁻ of the last cycle"
		d := make([][]float64, e.Units())
		for i := range d {
			d[i] = make([]float64, e.Units())
			for j := range d[i] {
				d[i][j] = e.Plus[i][j] - e.Minus[i][j]
			}
		}
		content = s.matrix(d, "%+5.2f")
	default:
		title = "sampling against the exact distribution (2^" + fmt.Sprint(e.Units()) + " states)"
		content = s.lower.view() + "\n" + s.c.S.Series[0].Render(fmt.Sprintf("━ KL(sampled ‖ exact) after %s sweeps: %.4f", num(last(s.klX)), last(s.klY)))
		if len(s.klX) == 0 {
			content = "press v again to sample"
		}
	}
	lower := s.c.box(title+" (v: next)", content, l.rightW(), l.rightH(1, 2), false)
	return l.compose(main, s.encUpdate(l.leftW()-1), panel, curve, lower)
}

// matrix prints a square matrix with the given format, blank where units
// are not connected.
func (s *boltzmann) matrix(m [][]float64, format string) string {
	e := s.enc
	n := e.Units()
	order := make([]int, 0, n) // V1, V2, H
	for i := 0; i < n; i++ {
		order = append(order, i)
	}
	var b strings.Builder
	for _, i := range order {
		for _, j := range order {
			switch {
			case i == j:
				b.WriteString(s.c.S.Dim.Render(fmt.Sprintf(format, m[i][j])))
			case !e.Connected(i, j):
				b.WriteString(fmt.Sprintf("%*s", len(fmt.Sprintf(format, 0.0)), "·"))
			default:
				b.WriteString(fmt.Sprintf(format, m[i][j]))
			}
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

func (s *boltzmann) encUpdate(w int) string {
	e := s.enc
	if e.Sweeps == 0 {
		return s.c.S.Dim.Render(wrap("press n for one annealing sweep (units flicker as T falls), space to learn continuously", w))
	}
	return s.c.S.Accent.Render(wrap(fmt.Sprintf("sweep %d of the cycle's %d: every free unit turned on with probability σ(ΔE/T)", (e.Sweeps-1)%e.SweepsPerCycle()+1, e.SweepsPerCycle()), w))
}

func (s *boltzmann) rbmBody(panel func(h int) string) string {
	l, tr := s.l, s.rbm
	r := tr.RBM
	// filters: as many hidden units as fit, 14×7 braille each
	fw, fh := 16, 8
	cols, rows := max(1, (l.leftW()-2)/fw), max(1, (l.mainH()-2)/fh)
	var b strings.Builder
	h := r.Params().Hidden
	for row := 0; row < rows; row++ {
		var pics [][]string
		for col := 0; col < cols; col++ {
			j := row*cols + col
			if j >= h {
				break
			}
			pics = append(pics, strings.Split(s.filter(j), "\n"))
		}
		for y := 0; y < 7 && len(pics) > 0; y++ {
			for _, p := range pics {
				b.WriteString(p[y] + "  ")
			}
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	main := s.c.box(fmt.Sprintf("filters: weights of hidden units 1–%d (dots: w above the mean)", min(h, rows*cols)), b.String(), l.leftW(), l.mainH(), false)
	pl, gap := last(s.pl.ys), last(s.gap.ys)
	curve := s.c.chartBox("reconstruction error per image", &s.curve,
		s.c.S.Series[0].Render(fmt.Sprintf("━ %.2f", tr.Last))+s.c.S.Dim.Render(fmt.Sprintf("  pseudo-log-likelihood %s · free-energy gap %s", num(pl), num(gap))), l.rightW(), l.rightH(0, 2))
	var title, content string
	switch s.view {
	case 0:
		title, content = "data (top) and one-step reconstructions (bottom)", s.pairs()
	case 1:
		title, content = "dreams: 200 Gibbs steps from test digits", s.dreamView()
	case 2:
		title = "pseudo-log-likelihood of held-out digits"
		content = s.lower.view() + "\n" + s.c.S.Series[1].Render("━ log PL") + s.c.S.Dim.Render("  reconstruction error alone misleads (Hinton's guide)")
		if len(s.pl.xs) < 2 {
			content = "measured every 50 batches: train a little"
		}
	default:
		title = "free energy: held-out minus training digits"
		content = s.lower.view() + "\n" + s.c.S.Series[1].Render("━ F(held-out) − F(train)") + s.c.S.Dim.Render("  rising: overfitting (Hinton's guide)")
		if len(s.gap.xs) < 2 {
			content = "measured every 50 batches: train a little"
		}
	}
	lower := s.c.box(title+" (v: next)", content, l.rightW(), l.rightH(1, 2), false)
	upd := s.c.S.Dim.Render(wrap("press n to train on one mini-batch", l.leftW()-1))
	if tr.Batches > 0 {
		mode := fmt.Sprintf("CD-%d", r.Params().K)
		if r.Params().Persistent {
			mode = fmt.Sprintf("PCD-%d", r.Params().K)
		}
		upd = s.c.S.Accent.Render(wrap(fmt.Sprintf("batch %d (%s): ΔW = η(⟨vhᵀ⟩_data − ⟨vhᵀ⟩_model), reconstruction error %.2f", tr.Batches, mode, tr.Last), l.leftW()-1))
	}
	return l.compose(main, upd, panel, curve, lower)
}

func (s *boltzmann) filter(j int) string {
	r := s.rbm.RBM
	w := make([]float64, models.Pixels)
	for i := range w {
		w[i] = r.W.At(i, j)
	}
	return strings.Join(s.c.weightPicture(w, 1), "\n")
}

// fitting is how many 14-wide pictures fit side by side in the lower box.
func (s *boltzmann) fitting() int { return max(1, min(6, (s.l.rightW()-2)/16)) }

func (s *boltzmann) pairs() string {
	d := s.rbm.Data.Test
	var top, bottom [][]string
	for i := 0; i < s.fitting(); i++ {
		v := pixels(d.Image(i))
		top = append(top, s.c.picture(v, 0.5, 7))
		bottom = append(bottom, s.c.picture(s.rbm.RBM.Reconstruct(v), 0.5, 7))
	}
	return joinPics(top) + "\n" + joinPics(bottom)
}

func (s *boltzmann) dreamView() string {
	if len(s.dreams) == 0 || s.rbm.Batches%50 == 0 {
		d := s.rbm.Data.Test
		s.dreams = s.dreams[:0]
		for i := 0; i < s.fitting(); i++ {
			s.dreams = append(s.dreams, s.rbm.RBM.Dream(pixels(d.Image(10+i)), 200))
		}
	}
	var pics [][]string
	for _, v := range s.dreams {
		pics = append(pics, s.c.picture(v, 0.5, 7))
	}
	return joinPics(pics)
}

func (s *boltzmann) panel(name string, v topic.Values, w, h int) string {
	return wrap(`Boltzmann machine: binary units, energy E = −Σ w_ij s_i s_j − Σ b_i s_i; a unit turns on with probability σ(ΔE_i/T). At equilibrium P(s) ∝ e^(−E/T).
Learning (Ackley, Hinton and Sejnowski 1985) is maximum likelihood: ∂G/∂w_ij = −(p⁺_ij − p⁻_ij)/T, co-occurrences awake (data clamped) minus asleep (running free). Hidden units let it model what the visible units alone cannot: the encoder must invent a code.
The encoder as the paper built it: V1 and V2 each connected internally and to H, H not to itself, V1 not to V2. A cycle: each pattern clamped noisily (on-bits off with p 0.15, off-bits on with 0.05), the free units randomised and annealed (2 sweeps at T 20, 15, 12, 4 at 10), co-occurrences over 10 sweeps at T 10; as many free settlings; then w += 2·sign(p⁺ − p⁻). Changes here, so that a solution once found stays found (with the paper's noisy statistics the weights random-walk and 12 of 20 runs lose the solution they found): 8 settlings per pattern, not 2; a weight decay of 0.5% a cycle; a step of 3 falling to 2 at cycle 1,000. The 8-3-8 uses the 4-2-4's noise levels, not the paper's own.
"Solved" is exact: at T = 10, enumerating H and V2 with V1 clamped, the patterns have distinct most probable codes and each gives its own pattern as the most probable V2.
The full rule needs equilibrium twice per step: slow. Restricted Boltzmann machines (no connections within a layer) make each layer's units independent given the other, and contrastive divergence (Hinton 2002) replaces the sleep phase by a k-step reconstruction; PCD keeps persistent chains instead.
Watch the pseudo-likelihood and the free-energy gap (held-out minus training) besides the reconstruction error, as Hinton's practical guide advises.`, w)
}
