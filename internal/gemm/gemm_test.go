package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

// reference is the textbook triple loop: op(A)·op(B) (m×n, dense) and
// the sums of the products' magnitudes, Σ_p |op(A)[i,p]|·|op(B)[p,j]|,
// which bound float32's rounding.
func reference(aT, bT bool, m, n, k int, a []float64, lda int, b []float64, ldb int) (prod, abs []float64) {
	prod, abs = make([]float64, m*n), make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, sa float64
			for p := range k {
				var x, y float64
				if aT {
					x = a[p*lda+i]
				} else {
					x = a[i*lda+p]
				}
				if bT {
					y = b[j*ldb+p]
				} else {
					y = b[p*ldb+j]
				}
				s += x * y
				sa += math.Abs(x * y)
			}
			prod[i*n+j], abs[i*n+j] = s, sa
		}
	}
	return prod, abs
}

func random(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// paths runs f with every kernel this machine has, on one thread and two,
// in both precisions.
func paths(t *testing.T, f func(t *testing.T, p Prec)) {
	saved, savedThreads := use, Threads()
	defer func() { use = saved; SetThreads(savedThreads) }()
	for _, kk := range kinds() {
		for _, th := range []int{1, 2} {
			for _, p := range []Prec{F64, F32} {
				use = kk
				SetThreads(th)
				name := kernelFor(p, 100).name
				if kk == avx512 && p == F64 {
					name = kk.name
				}
				t.Run(fmt.Sprintf("%s/%s/threads=%d", kk.name, name, th), func(t *testing.T) { f(t, p) })
			}
		}
	}
}

// tolerance bounds |C − naive C| at element (i, j): float64's rounding, or
// for a float32 kernel the rounding of A and B to float32 and of float32
// sums of at most kc products, each at most eps32 of the sum of |a||b|.
func tolerance(p Prec, m, k int, alpha, abs, want float64) float64 {
	if kernelFor(p, m).f32 {
		const eps32 = 0x1p-24
		return float64(2+min(k, kc))*eps32*math.Abs(alpha)*abs + 1e-12*math.Abs(want)
	}
	return 1e-12 * float64(k) * (1 + math.Abs(want))
}

// JCLUB_NOSIMD chooses the portable kernel, or leaves out only AVX-512.
func TestChoose(t *testing.T) {
	if choose("1") != portable {
		t.Error("JCLUB_NOSIMD=1 did not choose the portable kernel")
	}
	if hasAVX2 && choose("avx512") != avx2 {
		t.Error("JCLUB_NOSIMD=avx512 did not choose AVX2")
	}
	if hasAVX512 && choose("") != avx512 {
		t.Error("AVX-512 not chosen where the CPU has it")
	}
}

func TestDgemmAgainstNaive(t *testing.T) {
	shapes := [][3]int{
		{1, 1, 1}, {1, 1, 7}, {2, 3, 5}, {6, 8, 1}, {6, 8, 256}, {7, 9, 257},
		{13, 17, 19}, {5, 31, 3}, {97, 89, 83}, {100, 30, 784}, {6, 7841, 25},
		{101, 513, 300}, {300, 101, 600}, {1, 600, 2}, {600, 1, 3},
		// B read in place (A a panel or two high) across blocks of n and k
		{24, 2050, 300}, {12, 16, 513}, {25, 4099, 7},
		// A·Bᵀ as dot products (k ≥ 4·max(m, n)): exact blocks, overlapping
		// last blocks, k mod 4, several k blocks
		{3, 4, 64}, {6, 25, 1203}, {7, 9, 1027}, {16, 150, 3202}, {2, 30, 1000}, {5, 3, 999},
	}
	paths(t, func(t *testing.T, p Prec) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				aT, bT := tr[0], tr[1]
				// Strides wider than the matrices, to catch a stride mixed
				// up with a width.
				ar, ac := m, k
				if aT {
					ar, ac = k, m
				}
				br, bc := k, n
				if bT {
					br, bc = n, k
				}
				lda, ldb, ldc := ac+3, bc+1, n+2
				a := random(rng, (ar-1)*lda+ac)
				b := random(rng, (br-1)*ldb+bc)
				c0 := random(rng, (m-1)*ldc+n)
				prod, abs := reference(aT, bT, m, n, k, a, lda, b, ldb)
				for _, ab := range [][2]float64{{1, 0}, {0.5, 1}, {-2, 0.25}, {0, 3}} {
					alpha, beta := ab[0], ab[1]
					got := append([]float64(nil), c0...)
					p.Dgemm(aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
					for i := range m {
						for j := range n {
							w, g := alpha*prod[i*n+j]+beta*c0[i*ldc+j], got[i*ldc+j]
							if beta == 0 {
								w = alpha * prod[i*n+j]
							}
							if d := math.Abs(w - g); d > tolerance(p, m, k, alpha, abs[i*n+j], w) {
								t.Fatalf("%v aT=%v bT=%v alpha=%v beta=%v: C[%d,%d] = %v, want %v", s, aT, bT, alpha, beta, i, j, g, w)
							}
						}
						// Between the rows, in the stride's padding, C is untouched.
						for j := n; j < ldc && i < m-1; j++ {
							if got[i*ldc+j] != c0[i*ldc+j] {
								t.Fatalf("%v: wrote C's padding at row %d column %d", s, i, j)
							}
						}
					}
				}
			}
		}
	})
}

// DgemmRows multiplies by the listed rows of B, in their order, repeats
// allowed.
func TestDgemmRows(t *testing.T) {
	paths(t, func(t *testing.T, p Prec) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, s := range [][3]int{{1, 1, 1}, {13, 29, 7}, {100, 500, 300}, {7, 17, 600}} {
			m, n, k := s[0], s[1], s[2]
			brows := k + 11
			rows := make([]int, k)
			for i := range rows {
				rows[i] = rng.IntN(brows)
			}
			a, b := random(rng, m*k), random(rng, brows*n)
			gathered := make([]float64, 0, k*n)
			for _, r := range rows {
				gathered = append(gathered, b[r*n:(r+1)*n]...)
			}
			c0, got := random(rng, m*n), make([]float64, m*n)
			copy(got, c0)
			prod, abs := reference(false, false, m, n, k, a, k, gathered, n)
			p.DgemmRows(m, n, 0.5, a, k, b, n, rows, 2, got, n)
			for i := range got {
				want := 0.5*prod[i] + 2*c0[i]
				if math.Abs(want-got[i]) > tolerance(p, m, k, 0.5, abs[i], want) {
					t.Fatalf("%v: C[%d] = %v, want %v", s, i, got[i], want)
				}
			}
		}
	})
}

// A zero beta overwrites C, NaN included, as BLAS specifies.
func TestDgemmBetaZeroOverwritesNaN(t *testing.T) {
	paths(t, func(t *testing.T, p Prec) {
		a := []float64{1, 2, 3, 4}
		c := []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()}
		p.Dgemm(false, false, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2)
		want := []float64{7, 10, 15, 22}
		for i := range c {
			if c[i] != want[i] {
				t.Fatalf("C = %v, want %v", c, want)
			}
		}
		// whole tiles and edges, two blocks of k, the dot products, the
		// B read in place, alpha 0
		rng := rand.New(rand.NewPCG(9, 9))
		for _, s := range [][3]int{{25, 37, 600}, {6, 25, 1000}, {12, 100, 40}, {30, 30, 30}} {
			m, n, k := s[0], s[1], s[2]
			for _, bT := range []bool{false, true} {
				for _, alpha := range []float64{1.5, 0} {
					a, b := random(rng, m*k), random(rng, k*n)
					ldb := n
					if bT {
						ldb = k
					}
					c := make([]float64, m*n)
					for i := range c {
						c[i] = math.NaN()
					}
					p.Dgemm(false, bT, m, n, k, alpha, a, k, b, ldb, 0, c, n)
					prod, abs := reference(false, bT, m, n, k, a, k, b, ldb)
					for i := range c {
						if w := alpha * prod[i]; !(math.Abs(c[i]-w) <= tolerance(p, m, k, alpha, abs[i], w)) {
							t.Fatalf("%v bT=%v alpha=%v: C[%d] = %v, want %v", s, bT, alpha, i, c[i], w)
						}
					}
				}
			}
		}
	})
}

// Through gonum: mat.Dense.Mul on Impl agrees with gonum's own product, and
// arguments gonum refuses still panic.
func TestImplThroughGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := mat.NewDense(70, 130, random(rng, 70*130))
	y := mat.NewDense(90, 130, random(rng, 90*130))
	var want mat.Dense
	want.Mul(x, y.T())
	blas64.Use(Impl{})
	defer blas64.Use(gonumImpl{})
	var got mat.Dense
	got.Mul(x, y.T())
	if !mat.EqualApprox(&got, &want, 1e-11) {
		t.Fatal("Impl's product differs from gonum's")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a short C did not panic")
		}
	}()
	Impl{}.Dgemm(blas.NoTrans, blas.NoTrans, 20, 20, 20, 1, make([]float64, 400), 20, make([]float64, 400), 20, 0, make([]float64, 399), 20)
}

type gonumImpl = gonum.Implementation

// BenchmarkDgemm reports GFLOP/s at the shapes the topics use, on one core
// and on every core.
func BenchmarkDgemm(b *testing.B) {
	shapes := []struct {
		name    string
		aT, bT  bool
		m, n, k int
	}{
		{"square1024", false, false, 1024, 1024, 1024},
		{"rbm_VW_100x784x500", false, false, 100, 500, 784},
		{"rbm_HWt_100x500x784", false, true, 100, 784, 500},
		{"rbm_VtH_784x100x500", true, false, 784, 500, 100},
		{"mlp_10x784x30", false, true, 10, 30, 784},
		{"mlp_100x784x500", false, true, 100, 500, 784},
		{"lenet_C1_6x25x7840", false, false, 6, 7840, 25},
		{"lenet_C3_16x150x1000", false, false, 16, 1000, 150},
		// the CNN topic's batch of 32: C1 and C3 forward, their weights'
		// gradients dZ·colsᵀ and C3's input gradient Wᵀ·dZ
		{"cnn_C1_6x25088x25", false, false, 6, 25088, 25},
		{"cnn_C1dW_6x25x25088", false, true, 6, 25, 25088},
		{"cnn_C3_16x3200x150", false, false, 16, 3200, 150},
		{"cnn_C3dW_16x150x3200", false, true, 16, 150, 3200},
		{"cnn_C3dX_150x3200x16", true, false, 150, 3200, 16},
	}
	saved := Threads()
	defer SetThreads(saved)
	b.Logf("kernel %s", Kernel())
	for _, th := range []int{1, 2} {
		for _, s := range shapes {
			for _, p := range []Prec{F64, F32} {
				b.Run(fmt.Sprintf("%s/%s/threads=%d", s.name, []string{"f64", "f32"}[p], th), func(b *testing.B) {
					SetThreads(th)
					rng := rand.New(rand.NewPCG(1, 1))
					a := random(rng, s.m*s.k)
					bb := random(rng, s.k*s.n)
					c := make([]float64, s.m*s.n)
					lda, ldb := s.k, s.n
					if s.aT {
						lda = s.m
					}
					if s.bT {
						ldb = s.k
					}
					b.ResetTimer()
					for range b.N {
						p.Dgemm(s.aT, s.bT, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
					}
					b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// F32 multiplies in float32 where its kernel runs (the result differs
// from float64's, by float32's rounding), and is F64 exactly elsewhere.
func TestF32(t *testing.T) {
	saved := use
	defer func() { use = saved }()
	rng := rand.New(rand.NewPCG(5, 6))
	m, n, k := 30, 40, 300
	a, b := random(rng, m*k), random(rng, k*n)
	for _, kk := range kinds() {
		use = kk
		c64, c32 := make([]float64, m*n), make([]float64, m*n)
		F64.Dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c64, n)
		F32.Dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c32, n)
		var most float64
		for i := range c64 {
			most = max(most, math.Abs(c64[i]-c32[i]))
		}
		switch f32 := kernelFor(F32, m).f32; {
		case f32 && (most == 0 || most > 1e-3):
			t.Errorf("%s: F32 differs from F64 by at most %g, want float32's rounding (1e-7..1e-3)", kk.name, most)
		case !f32 && most != 0:
			t.Errorf("%s: F32 without a float32 kernel differs from F64 by %g", kk.name, most)
		}
	}
}

// DgemmSerial is Dgemm on one goroutine: the same product.
func TestDgemmSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m, n, k := 97, 1031, 300
	a, b := random(rng, m*k), random(rng, k*n)
	got := make([]float64, m*n)
	want, _ := reference(false, true, m, n, k, a, k, b, k)
	DgemmSerial(false, true, m, n, k, 1.5, a, k, b, k, 0, got, n)
	for i := range want {
		if math.Abs(got[i]-1.5*want[i]) > 1e-9*(1+math.Abs(want[i])) {
			t.Fatalf("element %d: %g, want %g", i, got[i], 1.5*want[i])
		}
	}
}
