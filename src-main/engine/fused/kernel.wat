;; The fused per-rating training kernel (issue 11 item 1): one pass over a block of ratings,
;; predicting each with the factor model and updating its user and item rows (and biases) at
;; once, in WebAssembly SIMD (f32x4 over the factors). Every instance of it (one per worker
;; thread) runs on the same shared memory; the block scheduler (schedule.ts) only ever hands
;; concurrent calls blocks that share no user and no item, so no row is locked.
;; Compiled by ../optim/wasm/build-kernel.ts (wabt) into ./kernel-bytes.ts.
;;
;; The loss is the ONNX graph's (models/dot-bias.ts) for one rating r:
;;   x = p_u·q_i [+ b_u + b_i];  pred = x, or lo + span·sigmoid(x) with a y range;
;;   loss = (pred − r)²,  so  ∂loss/∂x = 2·(pred − r)·∂pred/∂x
;; plus a per-update L2 weight decay: every parameter θ the rating touches gets g = ∂loss/∂θ + wd·θ.
;; Optimizers (configure's $opt):
;;   0 sgd:      θ' = θ − lr·g
;;   1 adagrad:  libmf's per-row rate: θ' = θ − lr·g/√G_row, then G_row += mean over the row of g²
;;               (one G for a factor row, one for its bias; G starts at 1, see trainer.ts).
;; The multiply-adds are relaxed SIMD's f32x4.relaxed_madd / relaxed_nmadd (one rounding where the
;; CPU fuses them, ~10 % faster; kernel.ts falls back to the plain form build-kernel.ts writes them
;; out as, a multiply and an add, where the runtime will not compile them).
;; The step never forms g as a vector: p' = (1 − η·wd)·p − η·gx·q, and the row's Σg² comes from
;; p·q, |p|² and |q|², summed in the forward pass (25 % fewer vector operations a rating than
;; forming g: 48–50 against 55–57 ns a rating on tables that fit in cache, 73–79 against 88–92 on
;; ml-25m-sized ones; one thread, 3M ratings, k 50).
;;
;; A row of a table is `stride` floats (configure's; layout: kernel.ts): the k factors padded to kp = k rounded up to 4 (the padding
;; stays 0: its gradient is 0·q + wd·0, so every loop is whole f32x4s), then the row's bias, its
;; two AdaGrad sums (factors, bias), then padding to whole cache lines.
;; The ratings are three columns (user slot i32, item slot i32, rating f32; blocks.ts): a block's
;; ratings are runs of the same length at the same index in each. Pointers are byte offsets.
(module
  (import "env" "memory" (memory 1 32768 shared))

  (global $kp (mut i32) (i32.const 4))
  (global $bias (mut i32) (i32.const 0))
  (global $range (mut i32) (i32.const 0))
  (global $lo (mut f32) (f32.const 0))
  (global $span (mut f32) (f32.const 1))
  (global $wd (mut f32) (f32.const 0))
  (global $opt (mut i32) (i32.const 0))
  (global $invk (mut f32) (f32.const 1))
  (global $P (mut i32) (i32.const 0))
  (global $Q (mut i32) (i32.const 0))
  ;; A row's bytes.
  (global $stride (mut i32) (i32.const 32))

  (func (export "configure")
    (param $kp i32) (param $stride i32) (param $k i32) (param $bias i32) (param $range i32) (param $lo f32) (param $span f32)
    (param $wd f32) (param $opt i32)
    (param $P i32) (param $Q i32)
    (global.set $kp (local.get $kp))
    (global.set $stride (i32.shl (local.get $stride) (i32.const 2)))
    (global.set $invk (f32.div (f32.const 1) (f32.convert_i32_u (local.get $k))))
    (global.set $bias (local.get $bias))
    (global.set $range (local.get $range))
    (global.set $lo (local.get $lo))
    (global.set $span (local.get $span))
    (global.set $wd (local.get $wd))
    (global.set $opt (local.get $opt))
    (global.set $P (local.get $P))
    (global.set $Q (local.get $Q)))

  ;; e^x in float32 (Cephes' expf): x = n·ln2 + t with |t| ≤ ln2/2 (ln2 in two parts, so t is
  ;; exact), e^t = 1 + t + t²·P(t) with Cephes' degree-5 P (relative error ~1e-7, float32's own
  ;; rounding), 2^n built in the exponent bits. Each rating waits for its sigmoid (the update
  ;; needs its error), so the chain is kept short: n rounded by adding and subtracting 1.5·2²³
  ;; (whose low bits are then n itself), P in Estrin's scheme. |x| is clamped to 87 (e^±87 is a
  ;; normal float32).
  (func $exp (param $x f32) (result f32)
    (local $m f32) (local $n f32) (local $t f32) (local $t2 f32) (local $t4 f32)
    (local.set $x (f32.min (f32.max (local.get $x) (f32.const -87)) (f32.const 87)))
    (local.set $m (f32.add (f32.mul (local.get $x) (f32.const 1.44269504088896341)) (f32.const 12582912)))
    (local.set $n (f32.sub (local.get $m) (f32.const 12582912)))
    (local.set $t (f32.sub (f32.sub (local.get $x) (f32.mul (local.get $n) (f32.const 0.693359375)))
                           (f32.mul (local.get $n) (f32.const -2.12194440e-4))))
    (local.set $t2 (f32.mul (local.get $t) (local.get $t)))
    (local.set $t4 (f32.mul (local.get $t2) (local.get $t2)))
    (f32.mul
      (f32.add
        (f32.add (f32.const 1) (local.get $t))
        (f32.mul (local.get $t2)
          (f32.add
            (f32.add
              (f32.add (f32.const 5.0000001201e-1) (f32.mul (local.get $t) (f32.const 1.6666665459e-1)))
              (f32.mul (local.get $t2) (f32.add (f32.const 4.1665795894e-2) (f32.mul (local.get $t) (f32.const 8.3334519073e-3)))))
            (f32.mul (local.get $t4) (f32.add (f32.const 1.3981999507e-3) (f32.mul (local.get $t) (f32.const 1.9875691500e-4)))))))
      ;; 2^n: m's bits are 0x4B400000 + n.
      (f32.reinterpret_i32 (i32.shl (i32.add (i32.sub (i32.reinterpret_f32 (local.get $m)) (i32.const 0x4B400000)) (i32.const 127)) (i32.const 23)))))

  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; x = p·q [+ b_u + b_i] for the rows at p and q (their biases follow their factors). Two
  ;; accumulators halve the chain of additions each rating waits for.
  (func $raw (param $p i32) (param $q i32) (result f32)
    (local $end i32) (local $acc v128) (local $acc2 v128) (local $x f32)
    (local.set $end (i32.add (local.get $p) (i32.shl (global.get $kp) (i32.const 2))))
    (block $done
      (loop $d
        (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 32)) (local.get $end)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $p)) (v128.load (local.get $q)))))
        (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $q)))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (br $d)))
    ;; An odd number of f32x4s: the last one.
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $p)) (v128.load (local.get $q)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))))
    (local.set $x (call $hsum (f32x4.add (local.get $acc) (local.get $acc2))))
    (if (global.get $bias)
      (then (local.set $x (f32.add (f32.add (local.get $x) (f32.load (local.get $p))) (f32.load (local.get $q))))))
    (local.get $x))

  ;; sigmoid(x) in float32: a few ulps off the exact value, where float64 cost ~15% of an epoch.
  (func $sigmoid (param $x f32) (result f32)
    (f32.div (f32.const 1) (f32.add (f32.const 1) (call $exp (f32.neg (local.get $x))))))

  ;; The prediction for x = p·q [+ b_u + b_i]: x itself, or lo + span·sigmoid(x).
  (func $predict (param $x f32) (result f32)
    (if (result f32) (global.get $range)
      (then (f32.add (global.get $lo) (f32.mul (global.get $span) (call $sigmoid (local.get $x)))))
      (else (local.get $x))))

  ;; Squared and absolute errors, summed in float64, stored at out and out + 8.
  (func $addErrors (param $out i32) (param $sq f64) (param $ab f64)
    (f64.store (local.get $out) (f64.add (f64.load (local.get $out)) (local.get $sq)))
    (f64.store offset=8 (local.get $out) (f64.add (f64.load offset=8 (local.get $out)) (local.get $ab))))

  ;; One bias b at addr, its AdaGrad sum at addr + 8, at its rate eta: b' = b − eta·(gx + wd·b).
  (func $stepBias (param $addr i32) (param $gx f32) (param $eta f32)
    (local $g f32)
    (local.set $g (f32.add (local.get $gx) (f32.mul (global.get $wd) (f32.load (local.get $addr)))))
    (f32.store (local.get $addr) (f32.sub (f32.load (local.get $addr)) (f32.mul (local.get $eta) (local.get $g))))
    (if (global.get $opt)
      (then (f32.store offset=8 (local.get $addr) (f32.add (f32.load offset=8 (local.get $addr)) (f32.mul (local.get $g) (local.get $g)))))))

  ;; One training pass over the count ratings at u, i, r (their columns), at learning rate lr. Each rating's error is
  ;; measured before its own update (the ONNX engine's train-metric convention); the sums are
  ;; added to out.
  (func (export "train") (param $u i32) (param $i i32) (param $r i32) (param $count i32) (param $lr f32) (param $out i32)
    (local $end i32) (local $p i32) (local $q i32) (local $pe i32) (local $qe i32)
    (local $x f32) (local $s f32) (local $pred f32) (local $dx f32) (local $e f32) (local $gx f32)
    (local $etaP f32) (local $etaQ f32) (local $rates v128)
    (local $pw i32) (local $qw i32) (local $dot f32) (local $pn f32) (local $qn f32) (local $cross f32) (local $wd2 f32) (local $gx2 f32)
    (local $a1 v128) (local $a2 v128) (local $pp1 v128) (local $pp2 v128) (local $qq1 v128) (local $qq2 v128)
    (local $vaP v128) (local $vbP v128) (local $vaQ v128) (local $vbQ v128) (local $pv v128) (local $qv v128)
    (local $sq f64) (local $ab f64)
    (local.set $end (i32.add (local.get $u) (i32.shl (local.get $count) (i32.const 2))))
    (block $exit
      (loop $next
        (br_if $exit (i32.ge_u (local.get $u) (local.get $end)))
        (local.set $p (i32.add (global.get $P) (i32.mul (i32.load (local.get $u)) (global.get $stride))))
        (local.set $q (i32.add (global.get $Q) (i32.mul (i32.load (local.get $i)) (global.get $stride))))
        (local.set $pe (i32.add (local.get $p) (i32.shl (global.get $kp) (i32.const 2))))
        (local.set $qe (i32.add (local.get $q) (i32.shl (global.get $kp) (i32.const 2))))

        ;; Forward: p·q, and the rows' squared norms |p|², |q|² beside it (the AdaGrad sums below are
        ;; built from them, so the step needs no gradient vectors of its own). Two f32x4s a turn, in
        ;; two accumulators each, to halve the chains of additions the rating waits for.
        (local.set $a1 (v128.const i64x2 0 0)) (local.set $a2 (v128.const i64x2 0 0))
        (local.set $pp1 (v128.const i64x2 0 0)) (local.set $pp2 (v128.const i64x2 0 0))
        (local.set $qq1 (v128.const i64x2 0 0)) (local.set $qq2 (v128.const i64x2 0 0))
        (local.set $pw (local.get $p))
        (local.set $qw (local.get $q))
        (block $fdone
          (loop $f
            (br_if $fdone (i32.gt_u (i32.add (local.get $pw) (i32.const 32)) (local.get $pe)))
            (local.set $pv (v128.load (local.get $pw)))
            (local.set $qv (v128.load (local.get $qw)))
            (local.set $a1 (f32x4.relaxed_madd (local.get $pv) (local.get $qv) (local.get $a1)))
            (local.set $pp1 (f32x4.relaxed_madd (local.get $pv) (local.get $pv) (local.get $pp1)))
            (local.set $qq1 (f32x4.relaxed_madd (local.get $qv) (local.get $qv) (local.get $qq1)))
            (local.set $pv (v128.load offset=16 (local.get $pw)))
            (local.set $qv (v128.load offset=16 (local.get $qw)))
            (local.set $a2 (f32x4.relaxed_madd (local.get $pv) (local.get $qv) (local.get $a2)))
            (local.set $pp2 (f32x4.relaxed_madd (local.get $pv) (local.get $pv) (local.get $pp2)))
            (local.set $qq2 (f32x4.relaxed_madd (local.get $qv) (local.get $qv) (local.get $qq2)))
            (local.set $pw (i32.add (local.get $pw) (i32.const 32)))
            (local.set $qw (i32.add (local.get $qw) (i32.const 32)))
            (br $f)))
        (if (i32.lt_u (local.get $pw) (local.get $pe))
          (then
            (local.set $pv (v128.load (local.get $pw)))
            (local.set $qv (v128.load (local.get $qw)))
            (local.set $a1 (f32x4.relaxed_madd (local.get $pv) (local.get $qv) (local.get $a1)))
            (local.set $pp1 (f32x4.relaxed_madd (local.get $pv) (local.get $pv) (local.get $pp1)))
            (local.set $qq1 (f32x4.relaxed_madd (local.get $qv) (local.get $qv) (local.get $qq1)))))
        (local.set $dot (call $hsum (f32x4.add (local.get $a1) (local.get $a2))))
        (local.set $x (local.get $dot))
        (if (global.get $bias)
          (then (local.set $x (f32.add (f32.add (local.get $x) (f32.load (local.get $pe))) (f32.load (local.get $qe))))))

        ;; The prediction and ∂pred/∂x.
        (if (global.get $range)
          (then
            (local.set $s (call $sigmoid (local.get $x)))
            (local.set $pred (f32.add (global.get $lo) (f32.mul (global.get $span) (local.get $s))))
            (local.set $dx (f32.mul (f32.mul (global.get $span) (local.get $s)) (f32.sub (f32.const 1) (local.get $s)))))
          (else
            (local.set $pred (local.get $x))
            (local.set $dx (f32.const 1))))
        (local.set $e (f32.sub (local.get $pred) (f32.load (local.get $r))))
        (local.set $sq (f64.add (local.get $sq) (f64.promote_f32 (f32.mul (local.get $e) (local.get $e)))))
        (local.set $ab (f64.add (local.get $ab) (f64.promote_f32 (f32.abs (local.get $e)))))
        (local.set $gx (f32.mul (f32.mul (f32.const 2) (local.get $e)) (local.get $dx)))

        ;; The rates (factors, bias) of the user row, then of the item row: lr/√G of the four
        ;; AdaGrad sums in one f32x4 division (each row's extras are bias, G factors, G bias, 0).
        (if (global.get $opt)
          (then
            (local.set $rates (f32x4.div (f32x4.splat (local.get $lr))
              (f32x4.sqrt (i8x16.shuffle 4 5 6 7 8 9 10 11 20 21 22 23 24 25 26 27 (v128.load (local.get $pe)) (v128.load (local.get $qe)))))))
          (else
            (local.set $rates (f32x4.splat (local.get $lr)))))
        (local.set $etaP (f32x4.extract_lane 0 (local.get $rates)))
        (local.set $etaQ (f32x4.extract_lane 2 (local.get $rates)))

        ;; Biases first: ∂loss/∂b = gx.
        (if (global.get $bias)
          (then
            (call $stepBias (local.get $pe) (local.get $gx) (f32x4.extract_lane 1 (local.get $rates)))
            (call $stepBias (local.get $qe) (local.get $gx) (f32x4.extract_lane 3 (local.get $rates)))))

        ;; The step, both rows from their old values: g_p = gx·q + wd·p, so p' = p − η_p·g_p
        ;; = (1 − η_p·wd)·p − η_p·gx·q, and g_q likewise.
        (local.set $vaP (f32x4.splat (f32.sub (f32.const 1) (f32.mul (local.get $etaP) (global.get $wd)))))
        (local.set $vbP (f32x4.splat (f32.mul (local.get $etaP) (local.get $gx))))
        (local.set $vaQ (f32x4.splat (f32.sub (f32.const 1) (f32.mul (local.get $etaQ) (global.get $wd)))))
        (local.set $vbQ (f32x4.splat (f32.mul (local.get $etaQ) (local.get $gx))))
        (block $done
          (loop $d
            (br_if $done (i32.ge_u (local.get $p) (local.get $pe)))
            (local.set $pv (v128.load (local.get $p)))
            (local.set $qv (v128.load (local.get $q)))
            (v128.store (local.get $p) (f32x4.relaxed_nmadd (local.get $vbP) (local.get $qv) (f32x4.mul (local.get $vaP) (local.get $pv))))
            (v128.store (local.get $q) (f32x4.relaxed_nmadd (local.get $vbQ) (local.get $pv) (f32x4.mul (local.get $vaQ) (local.get $qv))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $d)))
        ;; The AdaGrad sums: mean over the row of g², where Σ g_p² = gx²·|q|² + 2·gx·wd·(p·q) + wd²·|p|².
        (if (global.get $opt)
          (then
            (local.set $pn (call $hsum (f32x4.add (local.get $pp1) (local.get $pp2))))
            (local.set $qn (call $hsum (f32x4.add (local.get $qq1) (local.get $qq2))))
            (local.set $cross (f32.mul (f32.mul (f32.const 2) (local.get $gx)) (f32.mul (global.get $wd) (local.get $dot))))
            (local.set $wd2 (f32.mul (global.get $wd) (global.get $wd)))
            (local.set $gx2 (f32.mul (local.get $gx) (local.get $gx)))
            (f32.store offset=4 (local.get $pe) (f32.add (f32.load offset=4 (local.get $pe))
              (f32.mul (f32.add (f32.add (f32.mul (local.get $gx2) (local.get $qn)) (local.get $cross)) (f32.mul (local.get $wd2) (local.get $pn))) (global.get $invk))))
            (f32.store offset=4 (local.get $qe) (f32.add (f32.load offset=4 (local.get $qe))
              (f32.mul (f32.add (f32.add (f32.mul (local.get $gx2) (local.get $pn)) (local.get $cross)) (f32.mul (local.get $wd2) (local.get $qn))) (global.get $invk))))))

        (local.set $u (i32.add (local.get $u) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $next)))
    (call $addErrors (local.get $out) (local.get $sq) (local.get $ab)))

  ;; The errors of the current parameters on the count ratings at u, i, r (validation), added to out.
  (func (export "evaluate") (param $u i32) (param $i i32) (param $r i32) (param $count i32) (param $out i32)
    (local $end i32) (local $e f32) (local $sq f64) (local $ab f64)
    (local.set $end (i32.add (local.get $u) (i32.shl (local.get $count) (i32.const 2))))
    (block $exit
      (loop $next
        (br_if $exit (i32.ge_u (local.get $u) (local.get $end)))
        (local.set $e (f32.sub
          (call $predict (call $raw
            (i32.add (global.get $P) (i32.mul (i32.load (local.get $u)) (global.get $stride)))
            (i32.add (global.get $Q) (i32.mul (i32.load (local.get $i)) (global.get $stride)))))
          (f32.load (local.get $r))))
        (local.set $sq (f64.add (local.get $sq) (f64.promote_f32 (f32.mul (local.get $e) (local.get $e)))))
        (local.set $ab (f64.add (local.get $ab) (f64.promote_f32 (f32.abs (local.get $e)))))
        (local.set $u (i32.add (local.get $u) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $next)))
    (call $addErrors (local.get $out) (local.get $sq) (local.get $ab))))
