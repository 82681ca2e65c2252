package sims

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// Anomalous diffusion models.
const (
	CTRW      = "ctrw"      // continuous-time random walk: a waiting time, then a jump
	LevyWalk  = "levywalk"  // flights at unit speed with power-law durations
	Crowded   = "crowded"   // a lattice walker among immobile obstacles
	FBM       = "fbm"       // fractional Brownian motion
	Ballistic = "ballistic" // constant random velocities
)

// AnomalousModels lists the models in the order the screen cycles them.
var AnomalousModels = []string{CTRW, LevyWalk, Crowded, FBM, Ballistic}

// Waiting-time and jump laws of the CTRW.
const (
	WaitExp   = "exp"    // ψ(t) = e^(−t): Brownian at long times
	WaitPower = "power"  // Mittag-Leffler waits, ψ(t) ∝ t^(−1−α) at long t: subdiffusive, α < 1
	JumpGauss = "gauss"  // Gaussian jumps of unit variance per axis
	JumpLevy  = "stable" // symmetric α-stable jumps of index μ: Lévy flights
)

// Choices of the CTRW laws.
var (
	WaitLaws = []string{WaitExp, WaitPower}
	JumpLaws = []string{JumpGauss, JumpLevy}
)

// PercolationObstacles is the obstacle density at which the free sites of
// the square lattice stop percolating: 1 − 0.592746 (site percolation).
const PercolationObstacles = 1 - 0.592746

// AnomalousParams configures an ensemble of anomalous walkers in the plane.
// Time is in units of the step (the observation interval) and length in
// units of the short-time jump: every model takes unit-scale steps, so
// models at the same target α can be compared.
type AnomalousParams struct {
	Model   string  // one of AnomalousModels
	Walkers int     // 1..MaxWalkers
	Wait    string  // CTRW waiting law: WaitExp or WaitPower
	Alpha   float64 // CTRW power-law waits: ψ(t) ∝ t^(−1−α), 0.05..1
	Jump    string  // CTRW jump law: JumpGauss or JumpLevy
	Mu      float64 // stable jump index (CTRW), 0.2..2; flight-time tail (Lévy walk), 1..3
	Hurst   float64 // fBm Hurst exponent H, 0.05..0.95: MSD ∝ t^(2H)
	Density float64 // obstacle density of the crowded lattice, 0..0.6
	Length  int     // track length in steps, 16..65536: the run ends there (fBm is generated whole)
	Noise   float64 // localisation noise: sd of the error on each observed coordinate, 0..10
}

// Validate names the first bad field, its value and the valid range.
func (p AnomalousParams) Validate() error {
	ok := false
	for _, m := range AnomalousModels {
		ok = ok || p.Model == m
	}
	switch {
	case !ok:
		return fmt.Errorf("model = %q: must be one of ctrw, levywalk, crowded, fbm, ballistic", p.Model)
	case p.Walkers < 1 || p.Walkers > MaxWalkers:
		return fmt.Errorf("walkers = %d: must be 1..%d", p.Walkers, MaxWalkers)
	case p.Wait != WaitExp && p.Wait != WaitPower:
		return fmt.Errorf("wait = %q: must be one of exp, power", p.Wait)
	case !(p.Alpha >= 0.05 && p.Alpha <= 1):
		return fmt.Errorf("alpha = %g: must be 0.05..1", p.Alpha)
	case p.Jump != JumpGauss && p.Jump != JumpLevy:
		return fmt.Errorf("jump = %q: must be one of gauss, stable", p.Jump)
	case !(p.Mu >= 0.2 && p.Mu <= 3) || p.Model == CTRW && p.Mu > 2:
		return fmt.Errorf("mu = %g: must be 0.2..2 for ctrw jumps, 1..3 for levywalk flights", p.Mu)
	case p.Model == LevyWalk && p.Mu < 1:
		return fmt.Errorf("mu = %g: the Lévy walk's flight-time tail must be 1..3", p.Mu)
	case !(p.Hurst >= 0.05 && p.Hurst <= 0.95):
		return fmt.Errorf("hurst = %g: must be 0.05..0.95", p.Hurst)
	case !(p.Density >= 0 && p.Density <= 0.6):
		return fmt.Errorf("density = %g: must be 0..0.6", p.Density)
	case p.Length < 16 || p.Length > 65536:
		return fmt.Errorf("length = %d: must be 16..65536", p.Length)
	case !(p.Noise >= 0 && p.Noise <= 10):
		return fmt.Errorf("noise = %g: must be 0..10", p.Noise)
	}
	return nil
}

// MSDTheory is the ensemble MSD theory gives at time t where it has a
// closed form (ok false otherwise): 2·t^α/Γ(1+α) for the CTRW with
// Gaussian jumps (unit variance per axis, exact at every t with
// Mittag-Leffler waits), 2·t^(2H) for fBm, 2·t² for ballistic motion.
func (p AnomalousParams) MSDTheory(t float64) (float64, bool) {
	switch {
	case p.Model == CTRW && (p.Jump == JumpGauss || p.Mu >= 2):
		a := 1.0
		if p.Wait == WaitPower {
			a = p.Alpha
		}
		return 2 * math.Pow(t, a) / math.Gamma(1+a), true
	case p.Model == FBM:
		return 2 * math.Pow(t, 2*p.Hurst), true
	case p.Model == Ballistic:
		return 2 * t * t, true
	}
	return 0, false
}

// AlphaTheory is the MSD exponent theory gives the model, ⟨r²⟩ ∝ t^α, at
// long times; ok is false where it has none (the crowded lattice, whose
// exponent is transient, and Lévy flights, whose MSD is infinite: see
// RobustAlpha).
func (p AnomalousParams) AlphaTheory() (alpha float64, ok bool) {
	switch p.Model {
	case CTRW:
		if p.Jump == JumpLevy && p.Mu < 2 {
			return 0, false
		}
		if p.Wait == WaitPower && p.Alpha < 1 {
			return p.Alpha, true
		}
		return 1, true
	case LevyWalk: // flight times with P(τ > s) ∝ s^(−μ): ballistic for
		// μ < 1, 3 − μ for 1 < μ < 2, normal for μ > 2; at μ = 1 the MSD
		// grows as t²/ln t, reported as 2 (and at μ = 2 as t·ln t, as 1)
		switch {
		case p.Mu <= 1:
			return 2, true
		case p.Mu < 2:
			return 3 - p.Mu, true
		}
		return 1, true
	case FBM:
		return 2 * p.Hurst, true
	case Ballistic:
		return 2, true
	}
	return 0, false
}

// Laws samples the densities of the waiting times and of the jump lengths
// |Δx| the walk draws, on log grids (empty where the model has none): the
// curves its sampled histograms are checked against.
func (p AnomalousParams) Laws() (wait, jump [2][]float64) {
	grid := func(lo, hi float64, f func(float64) float64) [2][]float64 {
		var xs, ys []float64
		for k := 0; k <= 80; k++ {
			x := math.Pow(10, lo+(hi-lo)*float64(k)/80)
			if y := f(x); y > 0 && !math.IsInf(y, 0) {
				xs, ys = append(xs, x), append(ys, y)
			}
		}
		return [2][]float64{xs, ys}
	}
	switch p.Model {
	case CTRW:
		if p.Wait == WaitPower && p.Alpha < 1 {
			wait = grid(-3, 6, func(t float64) float64 { return MittagLefflerPDF(t, p.Alpha) })
		} else {
			wait = grid(-3, 1.5, func(t float64) float64 { return math.Exp(-t) })
		}
		if p.Jump == JumpLevy && p.Mu < 2 {
			// |X| with X = S/√2: density 2√2·f_S(√2·x)
			jump = grid(-3, 6, func(x float64) float64 { return 2 * math.Sqrt2 * StablePDF(math.Sqrt2*x, p.Mu) })
		} else {
			jump = grid(-3, 0.8, func(x float64) float64 { return 2 * math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) })
		}
	case LevyWalk:
		wait = grid(0, 6, func(t float64) float64 { return p.Mu * math.Pow(t, -1-p.Mu) })
	}
	return wait, jump
}

// Robust reports whether the MSD is infinite (a CTRW with μ-stable jumps,
// μ < 2), so that the fractional moment of RobustQ is the one to fit.
func (p AnomalousParams) Robust() bool {
	return p.Model == CTRW && p.Jump == JumpLevy && p.Mu < 2
}

// RobustQ is the order q of the fractional moment ⟨|r|^q⟩^(2/q) shown for
// Lévy flights: q = μ/2 < μ, where the moment is finite.
func (p AnomalousParams) RobustQ() float64 {
	if p.Model == CTRW && p.Jump == JumpLevy {
		return p.Mu / 2
	}
	return 1
}

// RobustAlpha is the growth exponent of ⟨|r|^q⟩^(2/q): 2·α_w/μ for a CTRW
// with μ-stable jumps (α_w = α for power-law waits, 1 otherwise), and the
// MSD exponent for the other models.
func (p AnomalousParams) RobustAlpha() (float64, bool) {
	if p.Model == CTRW && p.Jump == JumpLevy {
		aw := 1.0
		if p.Wait == WaitPower && p.Alpha < 1 {
			aw = p.Alpha
		}
		return 2 * aw / p.Mu, true
	}
	return p.AlphaTheory()
}

// EBTheory is the ergodicity-breaking parameter of the time-averaged MSD
// in the limit Δ ≪ T → ∞: 2Γ²(1+α)/Γ(1+2α) − 1 for the CTRW with
// power-law waits and Gaussian jumps (He, Burov, Metzler and Barkai 2008),
// 0 for ergodic processes. ok is false where there is no such value; why
// says why (for Lévy flights the time-averaged MSD has infinite variance).
func (p AnomalousParams) EBTheory() (eb float64, ok bool, why string) {
	levy := p.Model == CTRW && p.Jump == JumpLevy && p.Mu < 2
	switch {
	case levy:
		return 0, false, "none: with Lévy-flight jumps δ² has infinite variance"
	case p.Model == CTRW && p.Wait == WaitPower && p.Alpha < 1:
		g1, _ := math.Lgamma(1 + p.Alpha)
		g2, _ := math.Lgamma(1 + 2*p.Alpha)
		return 2*math.Exp(2*g1-g2) - 1, true, ""
	case p.Model == CTRW, p.Model == FBM:
		return 0, true, ""
	}
	return 0, false, "none for the " + p.Model + " model"
}

// EBFinite is the ergodicity-breaking parameter that a CTRW with
// Mittag-Leffler waits of index alpha and Gaussian jumps (unit variance per
// axis) has at lag Δ over a track of T steps, computed exactly in the jumps
// and by Monte Carlo over the jump times (samples renewal processes). Given
// the jump times, δ² = Σ_ij C_ij ξ_i·ξ_j / W is a quadratic form in the
// jumps, where C_ij counts the W = T − Δ + 1 windows (n − Δ, n] holding both
// jumps: its mean is 2·tr C/W and its variance 4·tr C²/W², so
// EB = (E[4 tr C²] + Var[2 tr C]) / E[2 tr C]² with no sampling of the
// jumps. It converges to EBTheory only slowly (the mean number of jumps is
// T^α/Γ(1+α)): at α = 0.3 and T = 10⁴ it is far above the asymptote. se is
// its Monte Carlo standard error (delta method).
func EBFinite(alpha float64, T, lag, samples int, seed uint64) (eb, se float64) {
	rng := rand.New(rand.NewPCG(seed, 0xeb))
	W := float64(T - lag + 1)
	var u []int
	m1 := make([]float64, samples) // 2 tr C / W
	m2 := make([]float64, samples) // 4 tr C² / W²
	for s := range samples {
		u = u[:0]
		for t := MittagLeffler(rng, alpha); t <= float64(T); t += MittagLeffler(rng, alpha) {
			u = append(u, int(math.Ceil(t)))
		}
		var tr, tr2 float64
		for i, ui := range u {
			// jump i is in windows n ∈ [u_i, u_i+Δ−1] ∩ [Δ, T]; with a later
			// jump j in [u_j, u_i+Δ−1] ∩ [Δ, T]
			hi := min(ui+lag-1, T)
			for j := i; j < len(u) && u[j] <= hi; j++ {
				c := float64(hi - max(u[j], lag) + 1)
				if c <= 0 {
					continue
				}
				if j == i {
					tr += c
					tr2 += c * c
				} else {
					tr2 += 2 * c * c
				}
			}
		}
		m1[s], m2[s] = 2*tr/W, 4*tr2/(W*W)
	}
	// EB = (E[m2] + E[m1²] − E[m1]²)/E[m1]² = (E[m2] + E[m1²])/E[m1]² − 1
	sq := make([]float64, samples)
	for i, v := range m1 {
		sq[i] = v*v + m2[i]
	}
	a, b := stat.Mean(sq, nil), stat.Mean(m1, nil)
	eb = a/(b*b) - 1
	// delta method on f(a, b) = a/b²
	va, vb := stat.Variance(sq, nil), stat.Variance(m1, nil)
	cab := stat.Covariance(sq, m1, nil)
	da, db := 1/(b*b), -2*a/(b*b*b)
	se = math.Sqrt(math.Max(0, da*da*va+db*db*vb+2*da*db*cab) / float64(samples))
	return eb, se
}

// Band names the regime of an MSD exponent.
func Band(alpha float64) string {
	switch {
	case alpha < 0.9:
		return "subdiffusive"
	case alpha <= 1.1:
		return "normal"
	case alpha < 1.9:
		return "superdiffusive"
	}
	return "ballistic"
}

// Lag of the time-averaged MSD used for the ergodicity-breaking parameter.
const EBLag = 10

// Number of walkers whose whole trajectories are kept for time averages.
const TrackedWalkers = 5

// maxTrack bounds the length of the kept trajectories.
const maxTrack = 1 << 17

// anomalousBlocks is the number of walker blocks for standard errors.
const anomalousBlocks = 20

// Anomalous is an ensemble of anomalous walkers in the plane.
type Anomalous struct {
	p   AnomalousParams
	rng *rand.Rand
	n   int // steps taken: time t = n

	x, y   []float64 // true positions
	x0, y0 []float64 // where each walker started (the origin, but for crowded walkers)
	// observed = true + noise; the noise at t = 0, per walker and axis
	nx0, ny0 []float64

	// CTRW: time of each walker's next jump; Lévy walk: end of its flight
	next   []float64
	vx, vy []float64 // Lévy walk and ballistic velocities
	Paused []bool    // CTRW: made no jump in the last step
	// Jumps longer than StreakMin in the last step: from and to, for drawing
	Streaks  [][4]float64
	Last     AnomalousStep
	lastWait float64

	// crowded lattice: obstacles on an L×L periodic lattice
	lat    []bool
	ix, iy []int
	lsize  int

	// fBm increments, per walker and axis
	fx, fy [][]float32

	// sampled laws, log-binned
	Waits, Jumps LogHist

	// records of the ensemble MSD at log-spaced times
	T, MSD, Robust []float64
	blocks         [][]float64 // per record, the MSD of each walker block
	nextRec        int

	// kept trajectories (observed) of the first TrackedWalkers walkers
	TrackX, TrackY [][]float64

	// time-averaged MSD at lag EBLag, accumulated per walker
	ring    [][EBLag][2]float64
	tasum   []float64
	tacount int
	ebAt    int        // time of the cached EBExpected
	ebExp   [2]float64 // and its value and error
}

// AnomalousStep records what the last Step did to walker 0, for display.
type AnomalousStep struct {
	X0, Y0, X, Y float64 // position before and after
	Jumps        int     // CTRW jumps (or Lévy-walk flights ended) within the step
	Wait         float64 // the last waiting time (or flight duration) drawn
	Next         float64 // when the current wait or flight ends
	Blocked      bool    // crowded: the chosen site was an obstacle
}

// StreakMin is the jump length drawn as a streak on the field.
const StreakMin = 4

// NewAnomalous validates p and starts the walkers at the origin (crowded
// walkers at a free site near it).
func NewAnomalous(p AnomalousParams, seed uint64) (*Anomalous, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := p.Walkers
	a := &Anomalous{p: p, rng: rand.New(rand.NewPCG(seed, 0xa2011a1)),
		x: make([]float64, n), y: make([]float64, n), x0: make([]float64, n), y0: make([]float64, n),
		nx0: make([]float64, n), ny0: make([]float64, n),
		Paused: make([]bool, n), ring: make([][EBLag][2]float64, n), tasum: make([]float64, n),
		Waits: NewLogHist(-3, 7, 8), Jumps: NewLogHist(-3, 7, 8)}
	for i := range a.nx0 {
		a.nx0[i], a.ny0[i] = p.Noise*a.rng.NormFloat64(), p.Noise*a.rng.NormFloat64()
	}
	switch p.Model {
	case CTRW:
		a.next = make([]float64, n)
		for i := range a.next {
			a.next[i] = a.wait()
		}
	case LevyWalk:
		a.next, a.vx, a.vy = make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range a.next {
			a.newFlight(i, 0)
		}
	case Ballistic:
		a.vx, a.vy = make([]float64, n), make([]float64, n)
		for i := range a.vx {
			a.vx[i], a.vy[i] = a.rng.NormFloat64(), a.rng.NormFloat64()
		}
	case Crowded:
		a.initLattice()
	case FBM:
		a.fx, a.fy = make([][]float32, n), make([][]float32, n)
		for i := range a.fx {
			gx, gy := FGN(a.rng, p.Length, p.Hurst)
			a.fx[i], a.fy[i] = toF32(gx), toF32(gy)
		}
	}
	a.TrackX = make([][]float64, min(n, TrackedWalkers))
	a.TrackY = make([][]float64, len(a.TrackX))
	a.record()
	return a, nil
}

func toF32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}

// Params returns the parameters.
func (a *Anomalous) Params() AnomalousParams { return a.p }

// T returns the time (steps taken).
func (a *Anomalous) Time() int { return a.n }

// Ended reports that the tracks have reached their length.
func (a *Anomalous) Ended() bool { return a.n >= a.p.Length }

// TrackAlpha fits the time-averaged MSD of kept track k against the lag on
// log-log axes over lags 1..len/10, the usual single-particle estimate of α
// (localisation noise and short tracks bias it). ok is false for tracks
// shorter than 40 steps.
func (a *Anomalous) TrackAlpha(k int) (alpha float64, ok bool) {
	n := len(a.TrackX[k])
	if n < 40 {
		return 0, false
	}
	var lags []int
	for l := 1.0; l <= float64(n)/10; l *= 1.3 {
		if m := int(l); len(lags) == 0 || m > lags[len(lags)-1] {
			lags = append(lags, m)
		}
	}
	var lx, ly []float64
	for j, v := range a.TAMSD(k, lags) {
		if v > 0 {
			lx, ly = append(lx, math.Log(float64(lags[j]))), append(ly, math.Log(v))
		}
	}
	if len(lx) < 3 {
		return 0, false
	}
	return slope(lx, ly), true
}

// Positions returns the true positions (the simulation's own slices).
func (a *Anomalous) Positions() (x, y []float64) { return a.x, a.y }

func (a *Anomalous) wait() float64 {
	var w float64
	if a.p.Wait == WaitPower && a.p.Alpha < 1 {
		w = MittagLeffler(a.rng, a.p.Alpha)
	} else {
		w = a.rng.ExpFloat64()
	}
	a.Waits.Add(w)
	a.lastWait = w
	return w
}

// jump draws a CTRW jump: unit variance per axis for Gaussian jumps, and
// stable jumps scaled by 1/√2 so that μ = 2 gives the same Gaussian.
func (a *Anomalous) jump() (dx, dy float64) {
	if a.p.Jump == JumpLevy && a.p.Mu < 2 {
		dx = StableSymmetric(a.rng, a.p.Mu) / math.Sqrt2
		dy = StableSymmetric(a.rng, a.p.Mu) / math.Sqrt2
	} else {
		dx, dy = a.rng.NormFloat64(), a.rng.NormFloat64()
	}
	a.Jumps.Add(math.Abs(dx))
	// μ → 0 puts no bound on a jump: cap it so that sums of squares stay
	// finite (10^15 unit steps: far beyond anything drawn or fitted)
	return clampAbs(dx, 1e15), clampAbs(dy, 1e15)
}

// newFlight starts walker i's next flight at time t: unit speed in a
// uniform direction for a duration with P(τ > s) = s^(−μ), s ≥ 1.
func (a *Anomalous) newFlight(i int, t float64) {
	d := Pareto(a.rng, a.p.Mu, 1)
	a.Waits.Add(d)
	th := 2 * math.Pi * a.rng.Float64()
	a.vx[i], a.vy[i] = math.Cos(th), math.Sin(th)
	a.next[i] = t + d
}

func (a *Anomalous) initLattice() {
	// big enough that walkers rarely wrap on screen-length runs; the
	// coordinates are unwrapped for the MSD
	a.lsize = 512
	L := a.lsize
	a.lat = make([]bool, L*L)
	for k := range a.lat {
		a.lat[k] = a.rng.Float64() < a.p.Density
	}
	a.ix, a.iy = make([]int, a.p.Walkers), make([]int, a.p.Walkers)
	// each walker starts at its own free site near the origin, so that the
	// ensemble averages over the disorder too
	for i := range a.ix {
		sx, sy := 0, 0
		for tries := 0; tries < 1000; tries++ {
			sx, sy = a.rng.IntN(17)-8, a.rng.IntN(17)-8
			if !a.blocked(sx, sy) {
				break
			}
		}
		a.ix[i], a.iy[i] = sx, sy
		a.x[i], a.y[i] = float64(sx), float64(sy)
		a.x0[i], a.y0[i] = a.x[i], a.y[i]
	}
}

func (a *Anomalous) blocked(x, y int) bool {
	L := a.lsize
	return a.lat[((y%L+L)%L)*L+(x%L+L)%L]
}

var latticeMoves = [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}

// Step advances every walker by one unit of time.
func (a *Anomalous) Step() {
	if a.Ended() {
		return
	}
	t0, t1 := float64(a.n), float64(a.n+1)
	a.Streaks = a.Streaks[:0]
	last := AnomalousStep{X0: a.x[0], Y0: a.y[0]}
	switch a.p.Model {
	case CTRW:
		for i := range a.x {
			a.Paused[i] = true
			for a.next[i] <= t1 {
				dx, dy := a.jump()
				if dx*dx+dy*dy > StreakMin*StreakMin && len(a.Streaks) < 200 {
					a.Streaks = append(a.Streaks, [4]float64{a.x[i], a.y[i], a.x[i] + dx, a.y[i] + dy})
				}
				a.x[i] += dx
				a.y[i] += dy
				a.next[i] += a.wait()
				a.Paused[i] = false
				if i == 0 {
					last.Jumps++
					last.Wait = a.lastWait
				}
			}
		}
		last.Next = a.next[0]
	case LevyWalk:
		for i := range a.x {
			t := t0
			for a.next[i] <= t1 {
				d := a.next[i] - t
				a.x[i] += a.vx[i] * d
				a.y[i] += a.vy[i] * d
				t = a.next[i]
				a.newFlight(i, t)
				if i == 0 {
					last.Jumps++
					last.Wait = a.next[0] - t
				}
			}
			a.x[i] += a.vx[i] * (t1 - t)
			a.y[i] += a.vy[i] * (t1 - t)
		}
		last.Next = a.next[0]
	case Ballistic:
		for i := range a.x {
			a.x[i] += a.vx[i]
			a.y[i] += a.vy[i]
		}
	case Crowded:
		for i := range a.x {
			m := latticeMoves[a.rng.IntN(4)]
			nx, ny := a.ix[i]+m[0], a.iy[i]+m[1]
			if !a.blocked(nx, ny) {
				a.ix[i], a.iy[i] = nx, ny
				a.x[i], a.y[i] = float64(nx), float64(ny)
			} else if i == 0 {
				last.Blocked = true
			}
		}
	case FBM:
		for i := range a.x {
			a.x[i] += float64(a.fx[i][a.n])
			a.y[i] += float64(a.fy[i][a.n])
		}
	}
	last.X, last.Y = a.x[0], a.y[0]
	a.Last = last
	a.n++
	a.timeAverage()
	if a.n >= a.nextRec {
		a.record()
	}
}

// observed returns walker i's observed position (with localisation noise).
func (a *Anomalous) observed(i int) (float64, float64) {
	if a.p.Noise == 0 {
		return a.x[i], a.y[i]
	}
	return a.x[i] + a.p.Noise*a.rng.NormFloat64(), a.y[i] + a.p.Noise*a.rng.NormFloat64()
}

// timeAverage keeps the tracks of the first walkers and accumulates every
// walker's squared displacement over the lag EBLag.
func (a *Anomalous) timeAverage() {
	k := a.n % EBLag
	counted := a.n >= EBLag
	for i := range a.x {
		ox, oy := a.observed(i)
		if i < len(a.TrackX) && len(a.TrackX[i]) < maxTrack {
			if len(a.TrackX[i]) == 0 { // the track starts at the observed origin
				a.TrackX[i] = append(a.TrackX[i], a.x0[i]+a.nx0[i])
				a.TrackY[i] = append(a.TrackY[i], a.y0[i]+a.ny0[i])
			}
			a.TrackX[i] = append(a.TrackX[i], ox)
			a.TrackY[i] = append(a.TrackY[i], oy)
		}
		old := a.ring[i][k]
		if a.n == EBLag { // lag from the start
			old = [2]float64{a.x0[i] + a.nx0[i], a.y0[i] + a.ny0[i]}
		}
		if counted {
			dx, dy := ox-old[0], oy-old[1]
			a.tasum[i] += dx*dx + dy*dy
		}
		a.ring[i][k] = [2]float64{ox, oy}
	}
	if counted {
		a.tacount++
	}
}

// EB is the measured ergodicity-breaking parameter: the relative variance
// over walkers of the time-averaged MSD at lag EBLag, ⟨δ²⟩²-normalised,
// with a jackknife standard error over anomalousBlocks blocks of walkers
// (NaN with too few walkers). ok is false until enough time has passed.
func (a *Anomalous) EB() (eb, se float64, ok bool) {
	if a.tacount < 2*EBLag || len(a.tasum) < 2 {
		return 0, 0, false
	}
	n := len(a.tasum)
	d := make([]float64, n)
	for i, v := range a.tasum {
		d[i] = v / float64(a.tacount)
	}
	eb, ok = relVar(d)
	if !ok {
		return 0, 0, false
	}
	se = math.NaN()
	if n >= 3*anomalousBlocks {
		var js []float64
		for b := 0; b < anomalousBlocks; b++ {
			lo, hi := b*n/anomalousBlocks, (b+1)*n/anomalousBlocks
			rest := append(append([]float64(nil), d[:lo]...), d[hi:]...)
			if v, ok := relVar(rest); ok {
				js = append(js, v)
			}
		}
		if len(js) == anomalousBlocks {
			_, sd := stat.PopMeanStdDev(js, nil)
			se = math.Sqrt(float64(len(js)-1)) * sd // jackknife
		}
	}
	return eb, se, true
}

// EBExpected is the finite-T expectation of EB (EBFinite) for the CTRW
// with power-law waits and Gaussian jumps at the current time, cached: it
// is recomputed when the time has grown by 5% (up to 4,000 sampled jump
// processes, about 2·10⁶ jumps in all: tens of milliseconds). ok is false
// for other models (exponential waits are ergodic: EB → 0) and before EB
// has a value.
func (a *Anomalous) EBExpected() (eb, se float64, ok bool) {
	p := a.p
	if p.Model != CTRW || p.Wait != WaitPower || p.Alpha >= 1 || p.Jump == JumpLevy && p.Mu < 2 || a.tacount < 2*EBLag {
		return 0, 0, false
	}
	if a.ebAt == 0 || float64(a.n) > 1.05*float64(a.ebAt) {
		alpha := p.Alpha
		jumps := math.Pow(float64(a.n), alpha) / math.Gamma(1+alpha)
		samples := int(min(4000, max(100, 2e6/math.Max(jumps, 1))))
		a.ebAt = a.n
		a.ebExp[0], a.ebExp[1] = EBFinite(alpha, a.n, EBLag, samples, uint64(a.n))
	}
	return a.ebExp[0], a.ebExp[1], true
}

// relVar is the population variance of d over its squared mean.
func relVar(d []float64) (float64, bool) {
	m, sd := stat.PopMeanStdDev(d, nil)
	if m == 0 {
		return 0, false
	}
	return sd * sd / (m * m), true
}

// TAMSD is walker k's time-averaged MSD δ²(Δ) = ⟨|r(t+Δ) − r(t)|²⟩_t over
// its kept track, at the given lags (NaN where Δ is too long for the track).
func (a *Anomalous) TAMSD(k int, lags []int) []float64 {
	tx, ty := a.TrackX[k], a.TrackY[k]
	out := make([]float64, len(lags))
	for j, lag := range lags {
		n := len(tx) - lag
		if lag < 1 || n < 1 {
			out[j] = math.NaN()
			continue
		}
		var s float64
		for t := 0; t < n; t++ {
			dx, dy := tx[t+lag]-tx[t], ty[t+lag]-ty[t]
			s += dx*dx + dy*dy
		}
		out[j] = s / float64(n)
	}
	return out
}

// record appends the ensemble MSD (and the robust measure) at the current
// time and schedules the next record: every step up to t = 20, then 20
// records per decade.
func (a *Anomalous) record() {
	msd, robust, block := a.ensemble()
	a.T = append(a.T, float64(a.n))
	a.MSD = append(a.MSD, msd)
	a.Robust = append(a.Robust, robust)
	a.blocks = append(a.blocks, block)
	if a.n < 20 {
		a.nextRec = a.n + 1
	} else {
		a.nextRec = max(a.n+1, int(math.Ceil(float64(a.n)*math.Pow(10, 0.05))))
	}
}

// ensemble measures, now, the ensemble MSD of the observed positions, the
// robust measure ⟨|r|^q⟩^(2/q) and the MSD of each block of walkers (NaN
// for an empty block).
func (a *Anomalous) ensemble() (msd, robust float64, blocks []float64) {
	q := a.p.RobustQ()
	var s, sq float64
	var bl [anomalousBlocks]float64
	n := len(a.x)
	for i := range a.x {
		ox, oy := a.observed(i)
		dx, dy := ox-a.x0[i]-a.nx0[i], oy-a.y0[i]-a.ny0[i]
		r2 := dx*dx + dy*dy
		s += r2
		sq += math.Pow(r2, q/2)
		bl[i*anomalousBlocks/n] += r2
	}
	blocks = make([]float64, anomalousBlocks)
	for b := range blocks {
		lo, hi := b*n/anomalousBlocks, (b+1)*n/anomalousBlocks
		blocks[b] = math.NaN()
		if hi > lo {
			blocks[b] = bl[b] / float64(hi-lo)
		}
	}
	return s / float64(n), math.Pow(sq/float64(n), 2/q), blocks
}

// AlphaFit is a fitted MSD exponent with two uncertainties: SE, the
// statistical error from the scatter of the same fit over blocks of walkers
// (NaN with too few walkers or for the robust measure), and Sys, the
// systematic one of a slow approach to the asymptote: the difference
// between the fits over the lower and the upper half (in log t) of the
// window. A Lévy walk at μ = 1.2 or 1.8 still curves at t = 10⁴, and the
// block error alone would claim a precision the fit does not have.
type AlphaFit struct {
	Alpha, SE, Sys float64
}

// Err is the uncertainty to quote: the statistical error (zero if unknown)
// plus the systematic one.
func (f AlphaFit) Err() float64 {
	se := f.SE
	if math.IsNaN(se) {
		se = 0
	}
	return se + f.Sys
}

// FitAlpha fits log MSD = c + α·log t over the records with tmin ≤ t ≤
// tmax (tmax ≤ 0: no upper limit); robust fits the fractional moment
// instead. ok is false with fewer than 3 points (6 for the systematic
// error, which is zero below that).
func (a *Anomalous) FitAlpha(tmin, tmax float64, robust bool) (fit AlphaFit, ok bool) {
	var lx, ly []float64
	var idx []int
	ys := a.MSD
	if robust {
		ys = a.Robust
	}
	for i, t := range a.T {
		if t >= math.Max(tmin, 1) && (tmax <= 0 || t <= tmax) && ys[i] > 0 {
			lx, ly = append(lx, math.Log(t)), append(ly, math.Log(ys[i]))
			idx = append(idx, i)
		}
	}
	if len(lx) < 3 {
		return AlphaFit{}, false
	}
	fit = AlphaFit{Alpha: slope(lx, ly), SE: math.NaN()}
	if len(lx) >= 6 {
		mid := (lx[0] + lx[len(lx)-1]) / 2
		k := sort.SearchFloat64s(lx, mid)
		k = max(3, min(len(lx)-3, k))
		fit.Sys = math.Abs(slope(lx[k:], ly[k:]) - slope(lx[:k], ly[:k]))
	}
	if robust || len(a.x) < 3*anomalousBlocks {
		return fit, true
	}
	var bs []float64
	by := make([]float64, len(idx))
	for b := 0; b < anomalousBlocks; b++ {
		okb := true
		for j, i := range idx {
			v := a.blocks[i][b]
			if !(v > 0) {
				okb = false
				break
			}
			by[j] = math.Log(v)
		}
		if okb {
			bs = append(bs, slope(lx, by))
		}
	}
	if len(bs) >= 3 {
		fit.SE = stat.StdDev(bs, nil) / math.Sqrt(float64(len(bs)))
	}
	return fit, true
}

// LocalSlope is d log MSD / d log t along the records: the least-squares
// slope over each record and its two neighbours on either side (a fifth of
// a decade past t = 20). It shows how the MSD approaches its asymptote.
func (a *Anomalous) LocalSlope(robust bool) (ts, slopes []float64) {
	ys := a.MSD
	if robust {
		ys = a.Robust
	}
	var lx, ly []float64
	for i, t := range a.T {
		if t >= 1 && ys[i] > 0 {
			lx, ly = append(lx, math.Log(t)), append(ly, math.Log(ys[i]))
		}
	}
	for i := 2; i+2 < len(lx); i++ {
		ts = append(ts, math.Exp(lx[i]))
		slopes = append(slopes, slope(lx[i-2:i+3], ly[i-2:i+3]))
	}
	return ts, slopes
}

// slope is the least-squares slope of y against x.
func slope(x, y []float64) float64 {
	_, b := stat.LinearRegression(x, y, nil, false)
	return b
}

// LogHist counts positive samples in logarithmic bins.
type LogHist struct {
	Lo, Hi  float64 // log10 of the range
	PerDec  int
	Count   []float64
	N       int // samples, those outside the range included
	Samples []float64
}

// maxSamples bounds the raw samples a LogHist keeps for tests of the laws.
const maxSamples = 20000

// NewLogHist makes bins over [10^lo, 10^hi) with perDecade bins a decade.
func NewLogHist(lo, hi float64, perDecade int) LogHist {
	return LogHist{Lo: lo, Hi: hi, PerDec: perDecade, Count: make([]float64, int((hi-lo)*float64(perDecade)))}
}

// Add counts a sample.
func (h *LogHist) Add(v float64) {
	h.N++
	if len(h.Samples) < maxSamples {
		h.Samples = append(h.Samples, v)
	}
	if !(v > 0) {
		return
	}
	k := int(math.Floor((math.Log10(v) - h.Lo) * float64(h.PerDec)))
	if k >= 0 && k < len(h.Count) {
		h.Count[k]++
	}
}

// Density returns the bin centres and the estimated density (count over N
// and bin width) of the non-empty bins.
func (h *LogHist) Density() (xs, ds []float64) {
	for k, c := range h.Count {
		if c == 0 {
			continue
		}
		a := math.Pow(10, h.Lo+float64(k)/float64(h.PerDec))
		b := math.Pow(10, h.Lo+float64(k+1)/float64(h.PerDec))
		xs = append(xs, math.Sqrt(a*b))
		ds = append(ds, c/float64(h.N)/(b-a))
	}
	return xs, ds
}

// Median is the median of the kept samples (NaN if none).
func (h *LogHist) Median() float64 {
	if len(h.Samples) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), h.Samples...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func clampAbs(v, m float64) float64 { return math.Max(-m, math.Min(m, v)) }

// EnsembleMSD computes, now, the ensemble MSD of the observed positions
// and the robust measure ⟨|r|^q⟩^(2/q).
func (a *Anomalous) EnsembleMSD() (msd, robust float64) {
	msd, robust, _ = a.ensemble()
	return msd, robust
}

// MeanTAMSD is the time-averaged MSD at the given lag averaged over the
// kept tracks (NaN if the lag is 0 or too long for them).
func (a *Anomalous) MeanTAMSD(lag int) float64 {
	var s float64
	for k := range a.TrackX {
		v := a.TAMSD(k, []int{lag})[0]
		if math.IsNaN(v) {
			return math.NaN()
		}
		s += v
	}
	return s / float64(len(a.TrackX))
}
