;; The ratings importer's fast path (ratings-parser.ts), in WebAssembly: parses the common line —
;; plain numbers, canonical integer ids, a one- or two-byte delimiter — straight from the bytes the
;; line reader put in this module's memory, and stops at the first line that is anything else
;; (header, blank, quoted, text ids, a bad row), which the parser's general path then reads. A
;; line this kernel accepts gives exactly what the general path would give (same ids, same
;; float64 value rounded to float32), so which path read a line never shows in the result.
;;
;; Memory (fixed size, see line-kernel.ts): [0, IN_BYTES) the read buffer; then four output
;; columns of CAP rows each: raw user ids (i32), raw item ids (i32), ratings (f32), timestamps (f64).
;; Compiled to line-kernel-bytes.ts by build-line-kernel.ts (npm run build:wasm).
(module
  (memory (export "memory") 160)

  (global $fieldCount (mut i32) (i32.const 0))
  (global $userCol (mut i32) (i32.const -1))
  (global $itemCol (mut i32) (i32.const -1))
  (global $ratingCol (mut i32) (i32.const -1))
  (global $tsCol (mut i32) (i32.const -1))
  (global $d0 (mut i32) (i32.const 44))
  (global $d1 (mut i32) (i32.const -1))
  (global $lo (mut f64) (f64.const 0))
  (global $hi (mut f64) (f64.const 0))
  (global $outUsers (mut i32) (i32.const 0))
  (global $outItems (mut i32) (i32.const 0))
  (global $outRatings (mut i32) (i32.const 0))
  (global $outTimestamps (mut i32) (i32.const 0))
  ;; Where the last parse stopped: the end, the start of a line it left, or the line after the last row when full.
  (global $stop (mut i32) (i32.const 0))

  (func (export "configure")
    (param $fieldCount i32) (param $userCol i32) (param $itemCol i32) (param $ratingCol i32) (param $tsCol i32)
    (param $d0 i32) (param $d1 i32) (param $lo f64) (param $hi f64)
    (param $outUsers i32) (param $outItems i32) (param $outRatings i32) (param $outTimestamps i32)
    (global.set $fieldCount (local.get $fieldCount))
    (global.set $userCol (local.get $userCol))
    (global.set $itemCol (local.get $itemCol))
    (global.set $ratingCol (local.get $ratingCol))
    (global.set $tsCol (local.get $tsCol))
    (global.set $d0 (local.get $d0))
    (global.set $d1 (local.get $d1))
    (global.set $lo (local.get $lo))
    (global.set $hi (local.get $hi))
    (global.set $outUsers (local.get $outUsers))
    (global.set $outItems (local.get $outItems))
    (global.set $outRatings (local.get $outRatings))
    (global.set $outTimestamps (local.get $outTimestamps)))

  (func (export "stop") (result i32) (global.get $stop))

  ;; Parses whole lines from $start while they take the fast path, until $end or $cap rows;
  ;; returns the rows written and leaves in $stop where it stopped.
  (func (export "parse") (param $start i32) (param $end i32) (param $cap i32) (result i32)
    (local $i i32) (local $n i32) (local $lineStart i32) (local $f i32) (local $c i32)
    (local $fieldStart i32) (local $digits i32) (local $fraction i32) (local $dot i32)
    (local $m i64) (local $value f64) (local $p f64)
    (local $user i32) (local $item i32) (local $rating f64) (local $ts f64)
    (local.set $i (local.get $start))
    (block $done
     (block $slow
      (loop $line
        (br_if $done (i32.ge_u (local.get $n) (local.get $cap)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $lineStart (local.get $i))
        (local.set $f (i32.const 0))
        (loop $field
          (local.set $fieldStart (local.get $i))
          (local.set $c (i32.const 10))
          (if (i32.or (i32.eq (local.get $f) (global.get $userCol))
                (i32.or (i32.eq (local.get $f) (global.get $itemCol))
                  (i32.or (i32.eq (local.get $f) (global.get $ratingCol)) (i32.eq (local.get $f) (global.get $tsCol)))))
            (then
              ;; A number: digits with at most one dot, accumulated as scanned (in i64: a f64 chain is 2× slower;
              ;; up to 15 digits, the only ones kept, it is exactly the f64 the general path accumulates).
              (local.set $m (i64.const 0))
              (local.set $digits (i32.const 0))
              (local.set $fraction (i32.const 0))
              (local.set $dot (i32.const 0))
              (block $scanned
                (loop $scan
                  (br_if $scanned (i32.ge_u (local.get $i) (local.get $end)))
                  (local.set $c (i32.load8_u (local.get $i)))
                  (if (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
                    (then
                      (local.set $m (i64.add (i64.mul (local.get $m) (i64.const 10))
                        (i64.extend_i32_u (i32.sub (local.get $c) (i32.const 48)))))
                      (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
                      (local.set $fraction (i32.add (local.get $fraction) (local.get $dot))))
                    (else
                      (br_if $scanned (i32.or (i32.ne (local.get $c) (i32.const 46)) (local.get $dot)))
                      (local.set $dot (i32.const 1))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br $scan)))
              (if (i32.ge_u (local.get $i) (local.get $end)) (then (local.set $c (i32.const 10))))
              (if (i32.or (i32.eq (local.get $f) (global.get $userCol)) (i32.eq (local.get $f) (global.get $itemCol)))
                (then
                  ;; Canonical ids below 10^9 only ("007", "1.5", longer ids go the general way).
                  (br_if $slow (i32.or (local.get $dot)
                    (i32.or (i32.eqz (local.get $digits))
                      (i32.or (i32.gt_u (local.get $digits) (i32.const 9))
                        (i32.and (i32.eq (i32.load8_u (local.get $fieldStart)) (i32.const 48)) (i32.gt_u (local.get $digits) (i32.const 1)))))))
                  (if (i32.eq (local.get $f) (global.get $userCol))
                    (then (local.set $user (i32.wrap_i64 (local.get $m))))
                    (else (local.set $item (i32.wrap_i64 (local.get $m))))))
                (else
                  (br_if $slow (i32.or (i32.eqz (local.get $digits)) (i32.gt_u (local.get $digits) (i32.const 15))))
                  ;; mantissa / 10^fraction, as the general path's parseDecimal computes it.
                  (local.set $value (f64.convert_i64_u (local.get $m)))
                  (if (local.get $fraction)
                    (then
                      (local.set $p (f64.const 1))
                      (loop $pow
                        (local.set $p (f64.mul (local.get $p) (f64.const 10)))
                        (local.set $fraction (i32.sub (local.get $fraction) (i32.const 1)))
                        (br_if $pow (local.get $fraction)))
                      (local.set $value (f64.div (local.get $value) (local.get $p)))))
                  (if (i32.eq (local.get $f) (global.get $ratingCol))
                    (then (local.set $rating (local.get $value)))
                    (else (local.set $ts (local.get $value)))))))
            (else
              ;; A column not read: anything but a quote up to the delimiter.
              (block $skipped
                (loop $skip
                  (br_if $skipped (i32.ge_u (local.get $i) (local.get $end)))
                  (local.set $c (i32.load8_u (local.get $i)))
                  (br_if $skipped (i32.or (i32.or (i32.eq (local.get $c) (global.get $d0)) (i32.eq (local.get $c) (i32.const 10)))
                    (i32.or (i32.eq (local.get $c) (i32.const 13)) (i32.eq (local.get $c) (i32.const 34)))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br $skip)))
              (if (i32.ge_u (local.get $i) (local.get $end)) (then (local.set $c (i32.const 10))))))
          (if (i32.eq (local.get $f) (i32.sub (global.get $fieldCount) (i32.const 1)))
            (then
              ;; The line's end: \n, \r\n, or the end of the bytes.
              (if (i32.and (i32.eq (local.get $c) (i32.const 13))
                    (i32.and (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $end))
                      (i32.eq (i32.load8_u (i32.add (local.get $i) (i32.const 1))) (i32.const 10))))
                (then (local.set $i (i32.add (local.get $i) (i32.const 1))))
                (else (br_if $slow (i32.ne (local.get $c) (i32.const 10)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1))))
            (else
              (br_if $slow (i32.ne (local.get $c) (global.get $d0)))
              (if (i32.ge_s (global.get $d1) (i32.const 0))
                (then
                  (br_if $slow (i32.ge_u (i32.add (local.get $i) (i32.const 1)) (local.get $end)))
                  (br_if $slow (i32.ne (i32.load8_u (i32.add (local.get $i) (i32.const 1))) (global.get $d1)))
                  (local.set $i (i32.add (local.get $i) (i32.const 2))))
                (else (local.set $i (i32.add (local.get $i) (i32.const 1)))))
              (local.set $f (i32.add (local.get $f) (i32.const 1)))
              (br $field))))
        ;; Out of scale (or too large) is reported, or skipped, by the general path.
        (br_if $slow (i32.or (f64.lt (local.get $rating) (global.get $lo)) (f64.gt (local.get $rating) (global.get $hi))))
        (i32.store (i32.add (global.get $outUsers) (i32.shl (local.get $n) (i32.const 2))) (local.get $user))
        (i32.store (i32.add (global.get $outItems) (i32.shl (local.get $n) (i32.const 2))) (local.get $item))
        (f32.store (i32.add (global.get $outRatings) (i32.shl (local.get $n) (i32.const 2))) (f32.demote_f64 (local.get $rating)))
        (if (i32.ge_s (global.get $tsCol) (i32.const 0))
          (then (f64.store (i32.add (global.get $outTimestamps) (i32.shl (local.get $n) (i32.const 3))) (local.get $ts))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $line)))
     ;; A line left mid-way: the general path reads it from its beginning.
     (local.set $i (local.get $lineStart)))
    (global.set $stop (local.get $i))
    (local.get $n))
)
