package models

import (
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/jclub/jclub/internal/gemm"
)

// Every matrix product of the models (mat.Dense.Mul, blas64.Gemm) runs on
// internal/gemm's packed SIMD kernel rather than gonum's.
func init() { blas64.Use(gemm.Impl{}) }
