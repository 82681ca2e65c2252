package models

import (
	"github.com/jclub/jclub/internal/gemm"
)

// batchedFrom is the mini-batch size from which TrainBatch runs the batch
// as matrix products (internal/gemm) instead of sample by sample. Below it
// the per-sample path, sparse in the input, is as fast.
const batchedFrom = 16

// batchScratch holds the matrices of one batched step, reused.
type batchScratch struct {
	x    []float64   // the batch's inputs, only the columns some image uses (B × K')
	cols []int       // those columns
	z, a [][]float64 // per layer, B × n_l
	d    [][]float64 // deltas, B × n_l
	g    []float64   // the first layer's gradient on those columns (K' × n1)
}

// trainBatched is TrainBatch as matrix products: the same gradient, summed
// over the batch in another order. The input columns no image of the batch
// uses (MNIST's border, about a third at batch 100) are left out of the
// first layer's products.
func (m *MLP) trainBatched(d Digits, batch []int, n int) float64 {
	s := &m.scratch
	B, L := len(batch), len(m.W)
	nin := m.p.Sizes[0]
	// which input columns the batch uses
	used := make([]bool, nin)
	for _, i := range batch {
		for k, v := range d.Image(i) {
			if v != 0 {
				used[k] = true
			}
		}
	}
	s.cols = s.cols[:0]
	for k, u := range used {
		if u {
			s.cols = append(s.cols, k)
		}
	}
	K := len(s.cols)
	n1 := m.p.Sizes[1]
	prec := gemm.F32
	if m.exact {
		prec = gemm.F64
	}
	s.x = resize(s.x, B*K)
	for r, i := range batch {
		img := d.Image(i)
		row := s.x[r*K : (r+1)*K]
		for c, k := range s.cols {
			row[c] = pixelScale[img[k]]
		}
	}
	if len(s.z) != L {
		s.z, s.a, s.d = make([][]float64, L), make([][]float64, L), make([][]float64, L)
	}
	for l := range L {
		w := m.p.Sizes[l+1]
		s.z[l], s.a[l], s.d[l] = resize(s.z[l], B*w), resize(s.a[l], B*w), resize(s.d[l], B*w)
	}
	// forward: Z_l = A_{l−1}·W_l + b_l
	for l := range L {
		w := m.p.Sizes[l+1]
		z := s.z[l]
		for r := range B {
			copy(z[r*w:(r+1)*w], m.B[l])
		}
		if l == 0 {
			prec.DgemmRows(B, w, 1, s.x, K, m.W[0], w, s.cols, 1, z, w)
		} else {
			v := m.p.Sizes[l]
			prec.Dgemm(false, false, B, w, v, 1, s.a[l-1], v, m.W[l], w, 1, z, w)
		}
		a := s.a[l]
		gemm.Split(B, 20*B*w, func(r0, r1 int) { // an exp is about 20 multiply-adds
			for r := r0; r < r1; r++ {
				zr, ar := z[r*w:(r+1)*w], a[r*w:(r+1)*w]
				switch {
				case l == L-1 && m.p.Output == Softmax:
					softmax(zr, ar)
				case l == L-1:
					for j, v := range zr {
						ar[j] = sigmoid(v)
					}
				default:
					for j, v := range zr {
						ar[j] = m.act(v)
					}
				}
			}
		})
	}
	// the output deltas and the loss, sample by sample as backward does
	var loss float64
	out, dl := s.a[L-1], s.d[L-1]
	w := m.p.Sizes[L]
	for r, i := range batch {
		y := int(d.Labels[i])
		ar, dr := out[r*w:(r+1)*w], dl[r*w:(r+1)*w]
		loss += outputLoss(m.p.Output, ar, y)
		for j, v := range ar {
			t := 0.0
			if j == y {
				t = 1
			}
			if m.p.Output == Softmax {
				dr[j] = v - t
			} else {
				dr[j] = (v - t) * v * (1 - v)
			}
		}
	}
	// backward: G_l = A_{l−1}ᵀ·Δ_l, Δ_{l−1} = (Δ_l·W_lᵀ) ⊙ f'(Z_{l−1})
	for l := L - 1; l >= 0; l-- {
		w := m.p.Sizes[l+1]
		dd := s.d[l]
		for r := range B {
			for j, v := range dd[r*w : (r+1)*w] {
				m.gB[l][j] += v
			}
		}
		if l == 0 {
			s.g = resize(s.g, K*w)
			prec.Dgemm(true, false, K, w, B, 1, s.x, K, dd, w, 0, s.g, w)
			break
		}
		v := m.p.Sizes[l]
		prec.Dgemm(true, false, v, w, B, 1, s.a[l-1], v, dd, w, 1, m.gW[l], w)
		pd, pz, pa := s.d[l-1], s.z[l-1], s.a[l-1]
		prec.Dgemm(false, true, B, v, w, 1, dd, w, m.W[l], w, 0, pd, v)
		for k := range pd {
			pd[k] *= m.actPrime(pz[k], pa[k])
		}
	}
	// the first layer's gradient goes to its rows: straight into W for
	// plain SGD, into the accumulator otherwise
	dst, scale := m.gW[0], 1.0
	if m.direct {
		dst, scale = m.W[0], -m.p.Eta/float64(B)
	}
	gemm.Split(K, K*n1, func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			k := s.cols[c]
			wr, gr := dst[k*n1:(k+1)*n1], s.g[c*n1:(c+1)*n1]
			for j, g := range gr {
				wr[j] += scale * g
			}
		}
	})
	m.kept = 0
	m.update(B, n)
	return loss / float64(B)
}
