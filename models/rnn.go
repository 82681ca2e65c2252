package models

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Recurrent networks trained by backpropagation through time: Elman's
// (1990) simple recurrent network and the LSTM of Hochreiter and
// Schmidhuber (1997) with a forget gate (Gers, Schmidhuber and Cummins
// 2000); for small nets the same gradient by real-time recurrent learning
// (Williams and Zipser 1989), forward in time. Parameters live in one
// vector, updated by Adam with the gradient's norm clipped.

// RNN models.
const (
	ModelSRN  = "srn"
	ModelLSTM = "lstm"
)

// RNNParams configures a net.
type RNNParams struct {
	Model           string
	In, Hidden, Out int
	Linear          bool    // a linear output (regression); otherwise logistic
	Rate            float64 // Adam's step
	Clip            float64 // the largest gradient norm of an update (0: none)
	// ForgetBias is the LSTM forget gate's starting bias: σ(b) of the cell
	// is kept each step, so a memory over T steps keeps σ(b)^T of its
	// gradient
	ForgetBias float64
}

// Validate names a setting out of range.
func (p RNNParams) Validate() error {
	switch {
	case p.Model != ModelSRN && p.Model != ModelLSTM:
		return fmt.Errorf("model = %q: must be srn or lstm", p.Model)
	case p.In < 1 || p.Out < 1:
		return fmt.Errorf("a net needs inputs and outputs")
	case p.Hidden < 1 || p.Hidden > 256:
		return fmt.Errorf("hidden = %d: must be 1..256", p.Hidden)
	case !(p.Rate > 0 && p.Rate <= 1):
		return fmt.Errorf("rate = %g: must be in (0, 1]", p.Rate)
	case !(p.Clip >= 0):
		return fmt.Errorf("clip = %g: must be at least 0", p.Clip)
	}
	return nil
}

// RNN is a recurrent net. The layout of Theta: for the SRN W (H×In), U
// (H×H), b (H); for the LSTM G (4H × (In+H)) and its bias (4H), the rows
// in the order input, forget, output gate, candidate; then the readout V
// (Out×H) and its bias (Out).
type RNN struct {
	p           RNNParams
	Theta, Grad []float64
	m, v        []float64 // Adam's moments
	t           int
}

// NewRNN draws the weights uniformly in ±1/√fan-in (the LSTM's forget
// bias at ForgetBias).
func NewRNN(p RNNParams, r *rand.Rand) (*RNN, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := &RNN{p: p}
	P := n.recurrentSize() + p.Out*p.Hidden + p.Out
	n.Theta, n.Grad, n.m, n.v = make([]float64, P), make([]float64, P), make([]float64, P), make([]float64, P)
	H, I := p.Hidden, p.In
	fill := func(w []float64, fan int) {
		s := 1 / math.Sqrt(float64(fan))
		for i := range w {
			w[i] = s * (2*r.Float64() - 1)
		}
	}
	if p.Model == ModelSRN {
		fill(n.Theta[:H*I], I)
		fill(n.Theta[H*I:H*I+H*H], H)
	} else {
		fill(n.Theta[:4*H*(I+H)], I+H)
		b := n.Theta[4*H*(I+H) : 4*H*(I+H)+4*H]
		for k := H; k < 2*H; k++ {
			b[k] = p.ForgetBias
		}
	}
	fill(n.Theta[n.recurrentSize():n.recurrentSize()+p.Out*H], H)
	return n, nil
}

// Params are the settings.
func (n *RNN) Params() RNNParams { return n.p }

// recurrentSize is the number of parameters before the readout.
func (n *RNN) recurrentSize() int {
	H, I := n.p.Hidden, n.p.In
	if n.p.Model == ModelSRN {
		return H*I + H*H + H
	}
	return 4*H*(I+H) + 4*H
}

// Trace is a forward pass over a sequence: the states and outputs at each
// step (for the LSTM its gates and cell too), kept for the backward pass
// and for the screen.
type Trace struct {
	X       [][]float64
	H, C    [][]float64 // H[t+1] after step t; H[0] the start
	Y       [][]float64
	Gates   [][]float64 // LSTM: i, f, o, g at each step (4H)
	ReadOut [][]float64 // the readout's input: H[t+1]
}

// State is where a stream left the net: hidden state and, for the LSTM,
// cell.
type State struct{ H, C []float64 }

// Forward runs the net over xs from state s (zero if nil).
func (n *RNN) Forward(xs [][]float64, s *State) *Trace {
	H, I, O := n.p.Hidden, n.p.In, n.p.Out
	tr := &Trace{X: xs}
	h, c := make([]float64, H), make([]float64, H)
	if s != nil {
		copy(h, s.H)
		copy(c, s.C)
	}
	tr.H, tr.C = append(tr.H, h), append(tr.C, c)
	th := n.Theta
	V, bo := th[n.recurrentSize():n.recurrentSize()+O*H], th[n.recurrentSize()+O*H:]
	for _, x := range xs {
		nh, nc := make([]float64, H), make([]float64, H)
		if n.p.Model == ModelSRN {
			W, U, b := th[:H*I], th[H*I:H*I+H*H], th[H*I+H*H:H*I+H*H+H]
			for i := range H {
				a := b[i]
				for j := range I {
					a += W[i*I+j] * x[j]
				}
				for j := range H {
					a += U[i*H+j] * h[j]
				}
				nh[i] = math.Tanh(a)
			}
		} else {
			Z := I + H
			G, bg := th[:4*H*Z], th[4*H*Z:4*H*Z+4*H]
			g := make([]float64, 4*H)
			for r := range 4 * H {
				a := bg[r]
				row := G[r*Z : r*Z+Z]
				for j := range I {
					a += row[j] * x[j]
				}
				for j := range H {
					a += row[I+j] * h[j]
				}
				if r < 3*H {
					g[r] = sigmoid(a)
				} else {
					g[r] = math.Tanh(a)
				}
			}
			for k := range H {
				nc[k] = g[H+k]*c[k] + g[k]*g[3*H+k]
				nh[k] = g[2*H+k] * math.Tanh(nc[k])
			}
			tr.Gates = append(tr.Gates, g)
		}
		y := make([]float64, O)
		for o := range O {
			a := bo[o]
			for k := range H {
				a += V[o*H+k] * nh[k]
			}
			if n.p.Linear {
				y[o] = a
			} else {
				y[o] = sigmoid(a)
			}
		}
		h, c = nh, nc
		tr.H, tr.C, tr.Y = append(tr.H, h), append(tr.C, c), append(tr.Y, y)
	}
	return tr
}

// End is the state after the trace's last step.
func (tr *Trace) End() *State {
	return &State{H: tr.H[len(tr.H)-1], C: tr.C[len(tr.C)-1]}
}

// Loss is ½ Σ m_t ‖y_t − d_t‖² over the masked steps, divided by their
// number.
func Loss(tr *Trace, ds [][]float64, mask []float64) float64 {
	l, n := 0.0, 0.0
	for t, y := range tr.Y {
		if mask[t] == 0 {
			continue
		}
		n += mask[t]
		for o := range y {
			d := y[o] - ds[t][o]
			l += 0.5 * mask[t] * d * d
		}
	}
	return l / math.Max(n, 1)
}

// outGrad is ∂L/∂(the readout's pre-activation) at step t.
func (n *RNN) outGrad(tr *Trace, ds [][]float64, mask []float64, t int, scale float64) []float64 {
	y := tr.Y[t]
	g := make([]float64, len(y))
	if mask[t] == 0 {
		return g
	}
	for o := range y {
		g[o] = mask[t] * (y[o] - ds[t][o]) * scale
		if !n.p.Linear {
			g[o] *= y[o] * (1 - y[o])
		}
	}
	return g
}

func maskSum(mask []float64) float64 {
	s := 0.0
	for _, m := range mask {
		s += m
	}
	return math.Max(s, 1)
}

// BPTT sets Grad to ∂Loss/∂Theta over the trace (the start state taken as
// given) and returns, for each step t, ‖∂Loss/∂h_t‖ (the gradient that
// reaches the state at t).
func (n *RNN) BPTT(tr *Trace, ds [][]float64, mask []float64) []float64 {
	clear(n.Grad)
	H, I, O := n.p.Hidden, n.p.In, n.p.Out
	T := len(tr.Y)
	th, gr := n.Theta, n.Grad
	rs := n.recurrentSize()
	V := th[rs : rs+O*H]
	gV, gbo := gr[rs:rs+O*H], gr[rs+O*H:]
	scale := 1 / maskSum(mask)
	dh, dc := make([]float64, H), make([]float64, H)
	norms := make([]float64, T+1)
	for t := T - 1; t >= 0; t-- {
		do := n.outGrad(tr, ds, mask, t, scale)
		h := tr.H[t+1]
		for o := range O {
			gbo[o] += do[o]
			for k := range H {
				gV[o*H+k] += do[o] * h[k]
				dh[k] += V[o*H+k] * do[o]
			}
		}
		norms[t+1] = norm2(dh)
		hp := tr.H[t]
		next := make([]float64, H)
		if n.p.Model == ModelSRN {
			U := th[H*I : H*I+H*H]
			gW, gU, gb := gr[:H*I], gr[H*I:H*I+H*H], gr[H*I+H*H:H*I+H*H+H]
			for i := range H {
				da := dh[i] * (1 - h[i]*h[i])
				gb[i] += da
				for j := range I {
					gW[i*I+j] += da * tr.X[t][j]
				}
				for j := range H {
					gU[i*H+j] += da * hp[j]
					next[j] += U[i*H+j] * da
				}
			}
		} else {
			Z := I + H
			G := th[:4*H*Z]
			gG, gbg := gr[:4*H*Z], gr[4*H*Z:4*H*Z+4*H]
			g := tr.Gates[t]
			c, cp := tr.C[t+1], tr.C[t]
			dpre := make([]float64, 4*H)
			for k := range H {
				i, f, o, cand := g[k], g[H+k], g[2*H+k], g[3*H+k]
				tc := math.Tanh(c[k])
				dck := dc[k] + dh[k]*o*(1-tc*tc)
				dpre[k] = dck * cand * i * (1 - i)
				dpre[H+k] = dck * cp[k] * f * (1 - f)
				dpre[2*H+k] = dh[k] * tc * o * (1 - o)
				dpre[3*H+k] = dck * i * (1 - cand*cand)
				dc[k] = dck * f
			}
			for r := range 4 * H {
				gbg[r] += dpre[r]
				row, grow := G[r*Z:r*Z+Z], gG[r*Z:r*Z+Z]
				for j := range I {
					grow[j] += dpre[r] * tr.X[t][j]
				}
				for j := range H {
					grow[I+j] += dpre[r] * hp[j]
					next[j] += row[I+j] * dpre[r]
				}
			}
		}
		dh = next
	}
	norms[0] = norm2(dh)
	return norms
}

func norm2(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// RTRL sets Grad to the same gradient as BPTT, computed forward in time:
// the sensitivities ∂h_t/∂θ (and for the LSTM ∂c_t/∂θ) of the state to
// every recurrent parameter are carried along. It returns the operations
// it took (multiply-adds of the sensitivity recursion), O(H²P) a step
// against BPTT's O(P).
func (n *RNN) RTRL(xs, ds [][]float64, mask []float64, s *State) (ops int) {
	clear(n.Grad)
	tr := n.Forward(xs, s)
	H, I, O := n.p.Hidden, n.p.In, n.p.Out
	rs := n.recurrentSize()
	th, gr := n.Theta, n.Grad
	V := th[rs : rs+O*H]
	gV, gbo := gr[rs:rs+O*H], gr[rs+O*H:]
	scale := 1 / maskSum(mask)
	P := rs
	Sh := make([][]float64, H) // ∂h/∂θ_rec
	Sc := make([][]float64, H) // ∂c/∂θ_rec (LSTM)
	for k := range H {
		Sh[k], Sc[k] = make([]float64, P), make([]float64, P)
	}
	for t := range xs {
		hp, h := tr.H[t], tr.H[t+1]
		x := xs[t]
		nSh := make([][]float64, H)
		nSc := make([][]float64, H)
		if n.p.Model == ModelSRN {
			U := th[H*I : H*I+H*H]
			for i := range H {
				row := make([]float64, P)
				ops += recurrentTerm(row, U[i*H:i*H+H], Sh) // U·S_{t−1}
				// the direct terms: W_ij·x_j, U_ij·h_j, b_i
				for j := range I {
					row[i*I+j] += x[j]
				}
				for j := range H {
					row[H*I+i*H+j] += hp[j]
				}
				row[H*I+H*H+i]++
				floats.Scale(1-h[i]*h[i], row)
				nSh[i] = row
			}
		} else {
			Z := I + H
			G := th[:4*H*Z]
			g := tr.Gates[t]
			c, cp := tr.C[t+1], tr.C[t]
			// ∂pre_r/∂θ = direct + Σ_j G[r, I+j] Sh_j
			dpre := make([][]float64, 4*H)
			for r := range 4 * H {
				row := make([]float64, P)
				ops += recurrentTerm(row, G[r*Z+I:r*Z+Z], Sh)
				for j := range I {
					row[r*Z+j] += x[j]
				}
				for j := range H {
					row[r*Z+I+j] += hp[j]
				}
				row[4*H*Z+r]++
				var d float64
				if r < 3*H {
					d = g[r] * (1 - g[r])
				} else {
					d = 1 - g[r]*g[r]
				}
				for q := range row {
					row[q] *= d
				}
				dpre[r] = row
			}
			for k := range H {
				i, f, o, cand := g[k], g[H+k], g[2*H+k], g[3*H+k]
				tc := math.Tanh(c[k])
				sc, sh := make([]float64, P), make([]float64, P)
				for q := range P {
					sc[q] = dpre[H+k][q]*cp[k] + f*Sc[k][q] + dpre[k][q]*cand + i*dpre[3*H+k][q]
					sh[q] = dpre[2*H+k][q]*tc + o*(1-tc*tc)*sc[q]
				}
				nSc[k], nSh[k] = sc, sh
			}
		}
		Sh, Sc = nSh, nSc
		do := n.outGrad(tr, ds, mask, t, scale)
		for o := range O {
			gbo[o] += do[o]
			for k := range H {
				gV[o*H+k] += do[o] * h[k]
				// the recurrent parameters: (∂L/∂h_t)·S_t
				if w := V[o*H+k] * do[o]; w != 0 {
					floats.AddScaled(gr[:P], w, Sh[k])
				}
			}
		}
	}
	return ops
}

// recurrentTerm adds Σ_j w_j S_j to row (the sensitivities carried
// through the recurrent weights w of one unit) and returns its
// multiply-adds.
func recurrentTerm(row, w []float64, S [][]float64) (ops int) {
	for j, wj := range w {
		if wj != 0 {
			floats.AddScaled(row, wj, S[j])
			ops += len(row)
		}
	}
	return ops
}

// BPTTOps is the multiply-adds of BPTT's backward pass over T steps: each
// weight's gradient once a step, and the gradient through the recurrent
// weights; against RTRL's O(H·P) a step.
func (n *RNN) BPTTOps(T int) int {
	H, O := n.p.Hidden, n.p.Out
	rec := H * H
	if n.p.Model == ModelLSTM {
		rec = 4 * H * H
	}
	return T * (len(n.Theta) + rec + O*H)
}

// Step is one update of Adam (β 0.9, 0.999) on the gradient in Grad,
// clipped to norm Clip; it returns the gradient's norm before clipping
// and the largest change of a weight.
func (n *RNN) Step() (gnorm, largest float64) {
	gnorm = norm2(n.Grad)
	k := 1.0
	if n.p.Clip > 0 && gnorm > n.p.Clip {
		k = n.p.Clip / gnorm
	}
	n.t++
	const b1, b2, eps = 0.9, 0.999, 1e-8
	c1, c2 := 1-math.Pow(b1, float64(n.t)), 1-math.Pow(b2, float64(n.t))
	for i, g := range n.Grad {
		g *= k
		n.m[i] = b1*n.m[i] + (1-b1)*g
		n.v[i] = b2*n.v[i] + (1-b2)*g*g
		d := n.p.Rate * (n.m[i] / c1) / (math.Sqrt(n.v[i]/c2) + eps)
		n.Theta[i] -= d
		largest = math.Max(largest, math.Abs(d))
	}
	return gnorm, largest
}

// RecurrentJacobian is the SRN's ∂h_t/∂h_{t−1} = diag(1 − h_t²)U at each
// step of the trace: its spectral norm (largest singular value, by power
// iteration) and its spectral radius (largest |eigenvalue|).
func (n *RNN) RecurrentJacobian(tr *Trace) (norms, radii []float64) {
	H, I := n.p.Hidden, n.p.In
	if n.p.Model != ModelSRN {
		return nil, nil
	}
	U := n.Theta[H*I : H*I+H*H]
	J := make([]float64, H*H)
	var eig mat.Eigen
	for t := 1; t < len(tr.H); t++ {
		h := tr.H[t]
		for i := range H {
			for j := range H {
				J[i*H+j] = (1 - h[i]*h[i]) * U[i*H+j]
			}
		}
		norms = append(norms, spectralNorm(J, H))
		rho := 0.0
		if eig.Factorize(mat.NewDense(H, H, append([]float64(nil), J...)), mat.EigenNone) {
			for _, e := range eig.Values(nil) {
				rho = math.Max(rho, cmplx.Abs(e))
			}
		}
		radii = append(radii, rho)
	}
	return norms, radii
}

// spectralNorm is the largest singular value of the n×n matrix A, by power
// iteration on AᵀA.
func spectralNorm(A []float64, n int) float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(n))
	}
	s := 0.0
	for range 200 {
		Av := make([]float64, n)
		for i := range n {
			for j := range n {
				Av[i] += A[i*n+j] * v[j]
			}
		}
		w := make([]float64, n)
		for j := range n {
			for i := range n {
				w[j] += A[i*n+j] * Av[i]
			}
		}
		l := norm2(w)
		if l == 0 {
			return 0
		}
		for j := range w {
			w[j] /= l
		}
		v = w
		ns := math.Sqrt(l)
		if math.Abs(ns-s) < 1e-13*ns {
			return ns
		}
		s = ns
	}
	return s
}
