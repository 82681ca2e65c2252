package sims

import "math"

// Boltzmann is the Boltzmann constant k_B in J/K (exact in the 2019 SI).
const Boltzmann = 1.380649e-23

// StokesEinstein is the diffusion coefficient D = k_B·T/(6π·η·r), in m²/s,
// of a sphere of radius r (m) in a fluid of viscosity η (Pa·s) at
// temperature T (K) (Einstein 1905, with Stokes' drag 6πηr).
func StokesEinstein(T, eta, r float64) float64 {
	return Boltzmann * T / (6 * math.Pi * eta * r)
}

// RMSDisplacement is the root mean square displacement √(2·d·D·t) after
// time t in d dimensions.
func RMSDisplacement(D, t float64, d int) float64 {
	return math.Sqrt(2 * float64(d) * D * t)
}
