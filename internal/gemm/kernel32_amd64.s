//go:build amd64 && !purego

#include "textflag.h"
#include "zero_amd64.h"

// One k step of the float32 kernel: a row of the packed B panel (16
// values) in Y12 and Y13, each of the six A values of this k broadcast
// into Y14 and multiplied into its row of the tile (Y0..Y11, two registers
// a row).
#define STEP(aoff) \
	VMOVUPS (DI), Y12 \
	VMOVUPS 32(DI), Y13 \
	ADDQ $64, DI \
	VBROADCASTSS aoff+0(SI), Y14 \
	VFMADD231PS Y12, Y14, Y0 \
	VFMADD231PS Y13, Y14, Y1 \
	VBROADCASTSS aoff+4(SI), Y14 \
	VFMADD231PS Y12, Y14, Y2 \
	VFMADD231PS Y13, Y14, Y3 \
	VBROADCASTSS aoff+8(SI), Y14 \
	VFMADD231PS Y12, Y14, Y4 \
	VFMADD231PS Y13, Y14, Y5 \
	VBROADCASTSS aoff+12(SI), Y14 \
	VFMADD231PS Y12, Y14, Y6 \
	VFMADD231PS Y13, Y14, Y7 \
	VBROADCASTSS aoff+16(SI), Y14 \
	VFMADD231PS Y12, Y14, Y8 \
	VFMADD231PS Y13, Y14, Y9 \
	VBROADCASTSS aoff+20(SI), Y14 \
	VFMADD231PS Y12, Y14, Y10 \
	VFMADD231PS Y13, Y14, Y11

// HALF adds alpha (Y15) times the eight float32 sums in acc to the eight
// float64 values of C at off(DX), widened four at a time.
#define HALF(acc, accx, off) \
	VCVTPS2PD accx, Y12 \
	VEXTRACTF128 $1, acc, X13 \
	VCVTPS2PD X13, Y13 \
	VFMADD213PD off(DX), Y15, Y12 \
	VFMADD213PD off+32(DX), Y15, Y13 \
	VMOVUPD Y12, off(DX) \
	VMOVUPD Y13, off+32(DX)

// SETHALF stores alpha (Y15) times the eight float32 sums in acc, widened,
// over the eight float64 values of C at off(DX).
#define SETHALF(acc, accx, off) \
	VCVTPS2PD accx, Y12 \
	VEXTRACTF128 $1, acc, X13 \
	VCVTPS2PD X13, Y13 \
	VMULPD Y15, Y12, Y12 \
	VMULPD Y15, Y13, Y13 \
	VMOVUPD Y12, off(DX) \
	VMOVUPD Y13, off+32(DX)

#define SETROW(lo, lox, hi, hix) \
	SETHALF(lo, lox, 0) \
	SETHALF(hi, hix, 64) \
	ADDQ R8, DX

#define ROW(lo, lox, hi, hix) \
	HALF(lo, lox, 0) \
	HALF(hi, hix, 64) \
	ADDQ R8, DX

// func kernel256s(k int, a, b *float32, c *float64, ldc int, alpha float64, over bool)
TEXT ·kernel256s(SB), NOSPLIT, $0-49
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $3, R8
	ZERO12
	MOVQ CX, BX
	SHRQ $2, BX
	JZ tail

loop4:
	STEP(0)
	STEP(24)
	STEP(48)
	STEP(72)
	ADDQ $96, SI
	DECQ BX
	JNZ loop4

tail:
	ANDQ $3, CX
	JZ store

loop1:
	STEP(0)
	ADDQ $24, SI
	DECQ CX
	JNZ loop1

store:
	VBROADCASTSD alpha+40(FP), Y15
	CMPB over+48(FP), $0
	JNE set
	// C += alpha·tile, a row (16 values, two registers) at a time.
	ROW(Y0, X0, Y1, X1)
	ROW(Y2, X2, Y3, X3)
	ROW(Y4, X4, Y5, X5)
	ROW(Y6, X6, Y7, X7)
	ROW(Y8, X8, Y9, X9)
	ROW(Y10, X10, Y11, X11)
	VZEROUPPER
	RET

set:
	// C = alpha·tile
	SETROW(Y0, X0, Y1, X1)
	SETROW(Y2, X2, Y3, X3)
	SETROW(Y4, X4, Y5, X5)
	SETROW(Y6, X6, Y7, X7)
	SETROW(Y8, X8, Y9, X9)
	SETROW(Y10, X10, Y11, X11)
	VZEROUPPER
	RET
