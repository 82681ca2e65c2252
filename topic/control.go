package topic

import "github.com/jclub/jclub/sims"

// Control experiments.
const (
	ExpKalman       = "kalman"       // a Kalman filter tracking a target
	ExpLQR          = "lqr"          // the regulator balancing a cart-pole
	ExpLQG          = "lqg"          // the regulator on the filter's estimate
	ExpSensorimotor = "sensorimotor" // estimating the hand in the dark
)

// UnitSeminar is the unit of the seminar course's weeks 4–8.
const UnitSeminar = "Seminar"

// Control is the Kalman filter and the linear-quadratic regulator as the two
// faces of one Riccati equation, LQG, and sensorimotor estimation.
var Control = &Topic{
	ID:      "control",
	Unit:    UnitSeminar,
	Title:   "Control: Kalman filter and LQR",
	Summary: "one Riccati equation for the Kalman filter and the LQR; LQG on a cart-pole; estimating the hand in the dark",
	Papers: []string{
		"Kalman 1960: a new approach to linear filtering and prediction problems",
		"the linear-quadratic regulator and the separation principle (LQG)",
		"Wolpert, Ghahramani and Jordan 1995: an internal model for sensorimotor integration",
		"Todorov and Jordan 2002: optimal feedback control as a theory of motor coordination",
	},
	Params: []Param{
		{Name: "experiment", Experiment: true, Kind: Choice, Choices: []string{ExpKalman, ExpLQR, ExpLQG, ExpSensorimotor},
			Help: "kalman: track a target; lqr: balance a cart-pole; lqg: balance it on noisy measurements; sensorimotor: the hand in the dark"},
		{Name: "model", Kind: Choice, Choices: sims.KalmanModels, Modes: modes(ExpKalman),
			Help: "cv: white-noise acceleration (constant velocity); ca: white-noise jerk (constant acceleration)"},
		{Name: "dt", Unit: "s", Kind: Float, Default: 0.1, Min: 0.01, Max: 10, Modes: modes(ExpKalman),
			Help: "sampling interval"},
		{Name: "q", Kind: Float, Default: 1, Min: 1e-4, Max: 1e4, Modes: modes(ExpKalman),
			Help: "true process noise intensity (m²/s³ for cv, m²/s⁵ for ca)"},
		{Name: "qscale", Kind: Float, Default: 1, Min: 1e-3, Max: 1e3, Modes: modes(ExpKalman),
			Help: "the filter's process noise over the true one: 1 is the right model, 0.1 an overconfident filter"},
		{Name: "sigma", Unit: "m", Kind: Float, Default: 0.5, Min: 1e-3, Max: 1e3, Modes: modes(ExpKalman),
			Help: "measurement noise sd per axis"},
		{Name: "qx", Kind: Float, Default: 1, Min: 1e-3, Max: 1e4, Modes: modes(ExpLQR, ExpLQG),
			Help: "weight of the cart's position error x² (1/m²)"},
		{Name: "qtheta", Kind: Float, Default: 10, Min: 1e-3, Max: 1e4, Modes: modes(ExpLQR, ExpLQG),
			Help: "weight of the pole's angle θ² (1/rad²)"},
		{Name: "r", Kind: Float, Default: 0.1, Min: 1e-4, Max: 1e4, Modes: modes(ExpLQR, ExpLQG),
			Help: "weight of the effort F² (1/N²): large r, gentle pushes and slow recovery"},
		{Name: "theta0", Unit: "rad", Kind: Float, Default: 0.1, Min: -1.5, Max: 1.5, Step: 0.05, Modes: modes(ExpLQR, ExpLQG),
			Help: "the pole's starting angle from upright"},
		{Name: "noise", Kind: Float, Default: 0.01, Min: 1e-6, Max: 1, Modes: modes(ExpLQG),
			Help: "measurement noise sd of x (m) and θ (rad)"},
		{Name: "force", Unit: "N", Kind: Float, Default: 0.5, Min: 0, Max: 10, Modes: modes(ExpLQG),
			Help: "sd of the random push on the cart, held over each 20 ms step"},
		{Name: "mass", Unit: "kg", Kind: Float, Default: 1, Min: 0.1, Max: 10, Modes: modes(ExpSensorimotor),
			Help: "the hand's mass m"},
		{Name: "damping", Unit: "N·s/m", Kind: Float, Default: 1, Min: 0.1, Max: 100, Modes: modes(ExpSensorimotor),
			Help: "the hand's viscous damping β"},
		{Name: "command", Unit: "N", Kind: Float, Default: 0.1, Min: 0, Max: 10, Modes: modes(ExpSensorimotor),
			Help: "the constant motor command u"},
		{Name: "external", Unit: "N", Kind: Float, Default: 0, Min: -10, Max: 10, Step: 0.05, Modes: modes(ExpSensorimotor),
			Help: "an unannounced force: > 0 assists the movement, < 0 resists it"},
		{Name: "overestimate", Kind: Float, Default: 0.2, Min: -0.9, Max: 2, Step: 0.05, Modes: modes(ExpSensorimotor),
			Help: "the forward model's relative error in the force it expects"},
		{Name: "motor", Unit: "N", Kind: Float, Default: 0.1, Min: 1e-4, Max: 10, Modes: modes(ExpSensorimotor),
			Help: "sd of the motor noise, every 10 ms"},
		{Name: "sensor", Unit: "m", Kind: Float, Default: 0.02, Min: 1e-4, Max: 1, Modes: modes(ExpSensorimotor),
			Help: "sd of proprioception, every 10 ms"},
		{Name: "trials", Kind: Int, Default: 900, Min: 1, Max: 1000000, Modes: modes(ExpSensorimotor),
			Help: "movements of a headless run (each of a random movement time 0.5–2.5 s)"},
	},
	Uses: func(v Values) (bool, bool) {
		return true, v.Choice("experiment") != ExpSensorimotor
	},
	Natural: func(v Values) bool { return v.Choice("experiment") == ExpSensorimotor },
	Steps:   500,
	Every:   10,
	Columns: func(v Values) []string {
		switch v.Choice("experiment") {
		case ExpLQR:
			return []string{"step", "x", "theta", "u", "cost"}
		case ExpLQG:
			return []string{"step", "x", "theta", "u", "estimate_error", "cost", "cost_full"}
		case ExpSensorimotor:
			return []string{"duration", "trials", "bias", "variance", "bias_theory", "variance_theory"}
		}
		return []string{"step", "error", "trace_p", "trace_p_dare", "nis", "nis_mean", "nees"}
	},
	Run: runControl,
}

// KalmanParams converts the values to the tracker's parameters.
func KalmanParams(v Values) sims.KalmanParams {
	return sims.KalmanParams{Model: v.Choice("model"), Dt: v.Float("dt"), Q: v.Float("q"),
		QScale: v.Float("qscale"), Sigma: v.Float("sigma")}
}

// CartPoleDt is the control interval of the cart-pole, s (Barto et al. 1983).
const CartPoleDt = 0.02

// LQRParams converts the values to the regulator's parameters.
func LQRParams(v Values) sims.LQRParams {
	return sims.LQRParams{Qx: v.Float("qx"), Qtheta: v.Float("qtheta"), R: v.Float("r"),
		Theta0: v.Float("theta0"), Dt: CartPoleDt}
}

// LQGParams converts the values to the LQG experiment's parameters.
func LQGParams(v Values) sims.LQGParams {
	return sims.LQGParams{LQRParams: LQRParams(v), SigmaX: v.Float("noise"), SigmaTheta: v.Float("noise"),
		Force: v.Float("force")}
}

// SensorimotorParams converts the values to the task's parameters.
func SensorimotorParams(v Values) sims.SensorimotorParams {
	return sims.SensorimotorParams{Mass: v.Float("mass"), Damping: v.Float("damping"),
		Command: v.Float("command"), External: v.Float("external"), Overestimate: v.Float("overestimate"),
		Motor: v.Float("motor"), Sensor: v.Float("sensor")}
}

func runControl(v Values, seed uint64, steps, every int, out Out) error {
	switch v.Choice("experiment") {
	case ExpLQR:
		l, err := sims.NewLQR(LQRParams(v))
		if err != nil {
			return err
		}
		row := func() { out.Row([]float64{float64(l.Steps), l.S[0], l.S[2], l.U, l.Cost}) }
		row()
		stepRows(steps, every, l.Step, row)
		out.Meta("spectral_radius", l.G.Radius())
		out.Meta("dare_iterations", float64(l.G.Iters))
		out.Meta("dare_methods_gap", l.G.Agree)
		for i, k := range l.G.K {
			out.Meta([]string{"k_x", "k_v", "k_theta", "k_omega"}[i], k)
		}
		return nil
	case ExpLQG:
		l, err := sims.NewLQG(LQGParams(v), seed)
		if err != nil {
			return err
		}
		row := func() {
			out.Row([]float64{float64(l.Steps), l.S[0], l.S[2], l.U, l.EstimateError(), l.Cost, l.CostF})
		}
		row()
		stepRows(steps, every, l.Step, row)
		e, f := l.MeanCosts()
		te, tf := l.TheoryCosts()
		out.Meta("mean_cost", e)
		out.Meta("mean_cost_full", f)
		out.Meta("theory_cost", te)
		out.Meta("theory_cost_full", tf)
		return nil
	case ExpSensorimotor:
		s, err := sims.NewSensorimotor(SensorimotorParams(v), seed)
		if err != nil {
			return err
		}
		for range until(steps, v.Int("trials")) {
			s.Step()
		}
		for i, t := range sims.MovementTimes {
			b, vr, n := s.Measured(i)
			tb, tv := s.Theory(t)
			out.Row([]float64{t, float64(n), b, vr, tb, tv})
		}
		tp, b := s.PeakBias()
		out.Meta("peak_bias_time", tp)
		out.Meta("peak_bias", b)
		return nil
	}
	kf, err := sims.NewKalman(KalmanParams(v), seed)
	if err != nil {
		return err
	}
	row := func() {
		out.Row([]float64{float64(kf.Steps), kf.Error(), kf.TraceP(), kf.TraceSteady(), kf.NIS, kf.MeanNIS(), kf.NEES})
	}
	row()
	stepRows(steps, every, kf.Step, row)
	lo, hi := sims.NISBand(kf.Steps, 0.95)
	_, want := kf.TrueSteady()
	out.Meta("nis_mean", kf.MeanNIS())
	out.Meta("nis_band_lo", lo)
	out.Meta("nis_band_hi", hi)
	out.Meta("nis_expected", want)
	out.Meta("prior_gap", kf.PriorGap())
	out.Meta("dare_iterations", float64(kf.DAREIter))
	out.Meta("dare_methods_gap", kf.DAREAgree)
	return nil
}
