;; The optimizer step's arithmetic in WebAssembly SIMD (f32x4): the same updates as the readable
;; TypeScript steppers (../steppers.ts), four elements per instruction, on buffers that live in
;; the imported memory (parameters, gradients and moments are views over it, so nothing is
;; copied). Compiled by ./build-kernel.ts (wabt) into ./kernel-bytes.ts. Uses SIMD and, for
;; zeroing a dense gradient, bulk memory (memory.fill).
;;
;; All pointers are byte offsets into the memory. Bytes 0..63 are the kernel's scratch (the
;; WasmArena never hands them out): a span whose length is not a multiple of 4 finishes its last
;; 1-3 elements there, so each update formula is written once, in SIMD. A moment pointer of 0
;; means the kind keeps no such moment: it stays 0 (offsets are not added to it), so it only
;; ever names the scratch.
;;
;; Update kinds (the index of their function in the table):
;;   0 sgd:      p' = p*keep - lr*(g + l2*p)
;;   1 momentum: a' = mom*a + damp1*(g + l2*p);           p' = p*keep - lr*a'
;;   2 adam:     g~ = g + l2*p;  m' = mom*m + damp1*g~;  v' = sqrMom*v + damp2*g~*g~
;;               p' = p*keep - stepSize*m' / (sqrt(v'*invDebias2) + eps)
;; keep = 1 - lr*wd with decoupled weight decay (else 1); l2 = wd with L2-in-the-loss (else 0).
(module
  (import "env" "memory" (memory 1))

  (type $chunks (func (param i32 i32 i32 i32 i32)))
  (table 3 funcref)
  (elem (i32.const 0) $sgd $momentum $adam)

  ;; The current step's hyper-parameters, splatted to four lanes by set_hypers.
  (global $keep (mut v128) (v128.const f32x4 1 1 1 1))
  (global $l2 (mut v128) (v128.const f32x4 0 0 0 0))
  (global $lr (mut v128) (v128.const f32x4 0 0 0 0))
  (global $mom (mut v128) (v128.const f32x4 0 0 0 0))
  (global $damp1 (mut v128) (v128.const f32x4 0 0 0 0))
  (global $sqrMom (mut v128) (v128.const f32x4 0 0 0 0))
  (global $damp2 (mut v128) (v128.const f32x4 0 0 0 0))
  (global $stepSize (mut v128) (v128.const f32x4 0 0 0 0))
  (global $invDebias2 (mut v128) (v128.const f32x4 1 1 1 1))
  (global $eps (mut v128) (v128.const f32x4 0 0 0 0))

  (func (export "set_hypers")
    (param $keep f32) (param $l2 f32) (param $lr f32) (param $mom f32) (param $damp1 f32)
    (param $sqrMom f32) (param $damp2 f32) (param $stepSize f32) (param $invDebias2 f32) (param $eps f32)
    (global.set $keep (f32x4.splat (local.get $keep)))
    (global.set $l2 (f32x4.splat (local.get $l2)))
    (global.set $lr (f32x4.splat (local.get $lr)))
    (global.set $mom (f32x4.splat (local.get $mom)))
    (global.set $damp1 (f32x4.splat (local.get $damp1)))
    (global.set $sqrMom (f32x4.splat (local.get $sqrMom)))
    (global.set $damp2 (f32x4.splat (local.get $damp2)))
    (global.set $stepSize (f32x4.splat (local.get $stepSize)))
    (global.set $invDebias2 (f32x4.splat (local.get $invDebias2)))
    (global.set $eps (f32x4.splat (local.get $eps))))

  ;; Each kind updates whole chunks of 4 from p, g, m, v up to p + bytes (a multiple of 16);
  ;; the state pointers a kind does not use are ignored. Each starts from the gradient with
  ;; L2-in-the-loss added, g~ = g + l2*p. The loops are written out per kind, with no call per
  ;; chunk: V8 does not inline wasm calls, and a call per chunk measured 2-3x slower.
  (func $sgd (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $bytes i32)
    (local $end i32) (local $pv v128)
    (local.set $end (i32.add (local.get $p) (local.get $bytes)))
    (block $done
      (loop $chunks
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $pv (v128.load (local.get $p)))
        (v128.store (local.get $p)
          (f32x4.sub
            (f32x4.mul (local.get $pv) (global.get $keep))
            (f32x4.mul (global.get $lr) (f32x4.add (v128.load (local.get $g)) (f32x4.mul (global.get $l2) (local.get $pv))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $chunks))))

  (func $momentum (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $bytes i32)
    (local $end i32) (local $pv v128) (local $a v128)
    (local.set $end (i32.add (local.get $p) (local.get $bytes)))
    (block $done
      (loop $chunks
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $pv (v128.load (local.get $p)))
        (local.set $a
          (f32x4.add
            (f32x4.mul (global.get $mom) (v128.load (local.get $m)))
            (f32x4.mul (global.get $damp1) (f32x4.add (v128.load (local.get $g)) (f32x4.mul (global.get $l2) (local.get $pv))))))
        (v128.store (local.get $m) (local.get $a))
        (v128.store (local.get $p)
          (f32x4.sub
            (f32x4.mul (local.get $pv) (global.get $keep))
            (f32x4.mul (global.get $lr) (local.get $a))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (br $chunks))))

  (func $adam (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $bytes i32)
    (local $end i32) (local $pv v128) (local $gv v128) (local $mv v128) (local $vv v128)
    (local.set $end (i32.add (local.get $p) (local.get $bytes)))
    (block $done
      (loop $chunks
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $pv (v128.load (local.get $p)))
        (local.set $gv (f32x4.add (v128.load (local.get $g)) (f32x4.mul (global.get $l2) (local.get $pv))))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (global.get $mom) (v128.load (local.get $m)))
            (f32x4.mul (global.get $damp1) (local.get $gv))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (global.get $sqrMom) (v128.load (local.get $v)))
            (f32x4.mul (f32x4.mul (global.get $damp2) (local.get $gv)) (local.get $gv))))
        (v128.store (local.get $m) (local.get $mv))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $p)
          (f32x4.sub
            (f32x4.mul (local.get $pv) (global.get $keep))
            (f32x4.div
              (f32x4.mul (global.get $stepSize) (local.get $mv))
              (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (global.get $invDebias2))) (global.get $eps)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (br $chunks))))

;; Updates n contiguous elements: whole chunks of 4 in place, and a last 1-3 through the
  ;; scratch (p at 0, g at 16, m at 32, v at 48), so each update formula is written once.
  ;; Rows of 4 or more (k = 50 factors: 12 chunks and 2 over) finish with the row's last 4
  ;; elements, loaded into the scratch before the in-place pass and stored back after it: the
  ;; update is elementwise, so the lanes the two passes share get bit-identical values, and the
  ;; tail costs four vector loads and stores instead of a word-by-word copy (a third of the lazy
  ;; step's time at k = 50 before). Shorter rows (a bias: one element) are zero-padded.
  (func $span (param $kind i32) (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (local $whole i32) (local $tail i32) (local $last i32)
    (local.set $whole (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $tail (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2)))
    (if (i32.eqz (local.get $tail))
      (then
        (call_indirect (type $chunks) (local.get $p) (local.get $g) (local.get $m) (local.get $v) (local.get $whole) (local.get $kind))
        (return)))
    (if (i32.eqz (local.get $whole))
      (then
        (v128.store (i32.const 0) (v128.const i32x4 0 0 0 0))
        (v128.store (i32.const 16) (v128.const i32x4 0 0 0 0))
        (v128.store (i32.const 32) (v128.const i32x4 0 0 0 0))
        (v128.store (i32.const 48) (v128.const i32x4 0 0 0 0))
        (call $copyWords (i32.const 0) (local.get $p) (local.get $tail))
        (call $copyWords (i32.const 16) (local.get $g) (local.get $tail))
        (call $copyWords (i32.const 32) (local.get $m) (local.get $tail))
        (call $copyWords (i32.const 48) (local.get $v) (local.get $tail))
        (call_indirect (type $chunks) (i32.const 0) (i32.const 16) (i32.const 32) (i32.const 48) (i32.const 16) (local.get $kind))
        (call $copyWords (local.get $p) (i32.const 0) (local.get $tail))
        (call $copyWords (local.get $m) (i32.const 32) (local.get $tail))
        (call $copyWords (local.get $v) (i32.const 48) (local.get $tail))
        (return)))
    (local.set $last (i32.sub (i32.add (local.get $whole) (local.get $tail)) (i32.const 16)))
    (v128.store (i32.const 0) (v128.load (i32.add (local.get $p) (local.get $last))))
    (v128.store (i32.const 16) (v128.load (i32.add (local.get $g) (local.get $last))))
    (v128.store (i32.const 32) (v128.load (call $at (local.get $m) (local.get $last))))
    (v128.store (i32.const 48) (v128.load (call $at (local.get $v) (local.get $last))))
    (call_indirect (type $chunks) (i32.const 0) (i32.const 16) (i32.const 32) (i32.const 48) (i32.const 16) (local.get $kind))
    (call_indirect (type $chunks) (local.get $p) (local.get $g) (local.get $m) (local.get $v) (local.get $whole) (local.get $kind))
    ;; p first: a missing moment's pointer is 0, so its store lands on the scratch's p slot.
    (v128.store (i32.add (local.get $p) (local.get $last)) (v128.load (i32.const 0)))
    (v128.store (call $at (local.get $m) (local.get $last)) (v128.load (i32.const 32)))
    (v128.store (call $at (local.get $v) (local.get $last)) (v128.load (i32.const 48))))

  ;; Copies `bytes` (a multiple of 4) word by word: for the few words of a tail, where V8's
  ;; memory.copy (a call out of the generated code) measured slower.
  (func $copyWords (param $dst i32) (param $src i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (local.get $bytes)))
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store (local.get $dst) (i32.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $words))))

  ;; base + offset for a moment pointer; 0 (no such moment) stays 0.
  (func $at (param $base i32) (param $offset i32) (result i32)
    (select (i32.const 0) (i32.add (local.get $base) (local.get $offset)) (i32.eqz (local.get $base))))

  ;; A dense step: n elements of a table and its state, the gradient alongside.
  (func (export "step_dense") (param $kind i32) (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (call $span (local.get $kind) (local.get $p) (local.get $g) (local.get $m) (local.get $v) (local.get $n)))

;; A lazy step: the `count` rows listed at `rows` (i32 row numbers) move, their gradient rows
  ;; packed at `sums` (row k of the list at sums + k*rowSize*4). Untouched rows stay as they are.
  ;; `slotOf` (nRows i32, -1 everywhere on entry and on return) is scratch for the order: when
  ;; the list names at least one row in 8 of the table, as blocked big-data batches do, the rows
  ;; are visited in table order (marked in slotOf, then found by one scan) so parameters and
  ;; moments stream through memory instead of being fetched row by row in the list's order
  ;; (measured on 5M ratings, k 50: the step ~25% faster). Each row's update is independent of the
  ;; others, so the order does not change the result.
  (func (export "step_rows")
    (param $kind i32) (param $p i32) (param $m i32) (param $v i32) (param $sums i32) (param $rows i32)
    (param $count i32) (param $rowSize i32) (param $slotOf i32) (param $nRows i32)
    (local $rowBytes i32) (local $off i32) (local $end i32) (local $k i32) (local $r i32) (local $slot i32)
    (local.set $rowBytes (i32.shl (local.get $rowSize) (i32.const 2)))
    (if (i32.lt_u (i32.shl (local.get $count) (i32.const 3)) (local.get $nRows))
      (then
        (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $count) (i32.const 2))))
        (block $done
          (loop $each
            (br_if $done (i32.ge_u (local.get $rows) (local.get $end)))
            (local.set $off (i32.mul (i32.load (local.get $rows)) (local.get $rowBytes)))
            (call $span (local.get $kind)
              (i32.add (local.get $p) (local.get $off)) (local.get $sums)
              (call $at (local.get $m) (local.get $off)) (call $at (local.get $v) (local.get $off))
              (local.get $rowSize))
            (local.set $sums (i32.add (local.get $sums) (local.get $rowBytes)))
            (local.set $rows (i32.add (local.get $rows) (i32.const 4)))
            (br $each)))
        (return)))
    (block $marked
      (loop $mark
        (br_if $marked (i32.ge_u (local.get $k) (local.get $count)))
        (i32.store
          (i32.add (local.get $slotOf) (i32.shl (i32.load (i32.add (local.get $rows) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2)))
          (local.get $k))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $mark)))
    (block $scanned
      (loop $scan
        (br_if $scanned (i32.ge_u (local.get $r) (local.get $nRows)))
        (local.set $slot (i32.load (i32.add (local.get $slotOf) (i32.shl (local.get $r) (i32.const 2)))))
        (if (i32.ge_s (local.get $slot) (i32.const 0))
          (then
            (i32.store (i32.add (local.get $slotOf) (i32.shl (local.get $r) (i32.const 2))) (i32.const -1))
            (local.set $off (i32.mul (local.get $r) (local.get $rowBytes)))
            (call $span (local.get $kind)
              (i32.add (local.get $p) (local.get $off)) (i32.add (local.get $sums) (i32.mul (local.get $slot) (local.get $rowBytes)))
              (call $at (local.get $m) (local.get $off)) (call $at (local.get $v) (local.get $off))
              (local.get $rowSize))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $scan))))

  ;; dst[0..n) = src[0..n) (f32), four at a time.
  (func $copyRow (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $whole
      (loop $chunks
        (br_if $whole (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $chunks)))
    (call $copyWords (local.get $dst) (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))

  ;; dst[0..n) += src[0..n) (f32), four at a time.
  (func $addRow (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $whole
      (loop $chunks
        (br_if $whole (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $chunks)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $all
      (loop $rest
        (br_if $all (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $rest))))

  ;; Sums the gradient rows of a sparse gradient per distinct table row. Input: `count` row
  ;; numbers at `rows`, their gradient rows at `values`. Output: the distinct rows in first-seen
  ;; order at `unique`, their summed gradients at `sums`; returns how many. `slotOf` (nRows i32)
  ;; must hold -1 everywhere on entry and does again on return. A row outside 0..nRows-1 at
  ;; position i returns -(i+1) and leaves nothing behind.
  (func (export "accumulate_rows")
    (param $rows i32) (param $values i32) (param $count i32) (param $rowSize i32) (param $nRows i32)
    (param $slotOf i32) (param $unique i32) (param $sums i32) (result i32)
    (local $i i32) (local $r i32) (local $slotAt i32) (local $slot i32) (local $size i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $rowSize) (i32.const 2)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.ge_u (local.get $r) (local.get $nRows))
          (then
            (call $clearSlots (local.get $slotOf) (local.get $unique) (local.get $size))
            (return (i32.sub (i32.const -1) (local.get $i)))))
        (local.set $slotAt (i32.add (local.get $slotOf) (i32.shl (local.get $r) (i32.const 2))))
        (local.set $slot (i32.load (local.get $slotAt)))
        (if (i32.lt_s (local.get $slot) (i32.const 0))
          (then
            (local.set $slot (local.get $size))
            (local.set $size (i32.add (local.get $size) (i32.const 1)))
            (i32.store (local.get $slotAt) (local.get $slot))
            (i32.store (i32.add (local.get $unique) (i32.shl (local.get $slot) (i32.const 2))) (local.get $r))
            (call $copyRow
              (i32.add (local.get $sums) (i32.mul (local.get $slot) (local.get $rowBytes)))
              (i32.add (local.get $values) (i32.mul (local.get $i) (local.get $rowBytes)))
              (local.get $rowSize)))
          (else
            (call $addRow
              (i32.add (local.get $sums) (i32.mul (local.get $slot) (local.get $rowBytes)))
              (i32.add (local.get $values) (i32.mul (local.get $i) (local.get $rowBytes)))
              (local.get $rowSize))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (call $clearSlots (local.get $slotOf) (local.get $unique) (local.get $size))
    (local.get $size))

  ;; slotOf[unique[s]] = -1 for s < size: forgets a batch's rows in O(batch), not O(table).
  (func $clearSlots (param $slotOf i32) (param $unique i32) (param $size i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $unique) (i32.shl (local.get $size) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $unique) (local.get $end)))
        (i32.store (i32.add (local.get $slotOf) (i32.shl (i32.load (local.get $unique)) (i32.const 2))) (i32.const -1))
        (local.set $unique (i32.add (local.get $unique) (i32.const 4)))
        (br $each))))

  ;; A sparse gradient as a table-sized one (dense updates): dense = 0, then each of the `count`
  ;; gradient rows at `values` added to its row. A row outside 0..nRows-1 at position i returns
  ;; -(i+1); otherwise 0.
  (func (export "scatter_rows")
    (param $rows i32) (param $values i32) (param $count i32) (param $rowSize i32) (param $nRows i32)
    (param $dense i32) (result i32)
    (local $i i32) (local $r i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $rowSize) (i32.const 2)))
    (memory.fill (local.get $dense) (i32.const 0) (i32.mul (local.get $nRows) (local.get $rowBytes)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.ge_u (local.get $r) (local.get $nRows))
          (then (return (i32.sub (i32.const -1) (local.get $i)))))
        (call $addRow
          (i32.add (local.get $dense) (i32.mul (local.get $r) (local.get $rowBytes)))
          (i32.add (local.get $values) (i32.mul (local.get $i) (local.get $rowBytes)))
          (local.get $rowSize))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (i32.const 0))
)
