;; Dot products of one query against many rows (float32, or int8 with a scale a row), with 128-bit
;; SIMD: the dense half of a hybrid query scans every vector of the index, and a plain JavaScript loop
;; over 100k x 768 floats takes about 80 ms here, four times the float scan below. `scripts/build-wasm.mjs` turns this file into
;; dotKernelWasm.ts; a unit test fails when the two disagree.
(module
  (memory (export "memory") 1 65536)
  ;; out[r] = dot(query, rows[r]) for r in [0, n); dims is a multiple of 8; all offsets 16-byte aligned.
  (func (export "scan") (param $query i32) (param $rows i32) (param $n i32) (param $dims i32) (param $out i32)
    (local $r i32) (local $j i32) (local $row i32) (local $bytes i32) (local $a v128) (local $b v128)
    (local.set $bytes (i32.shl (local.get $dims) (i32.const 2)))
    (local.set $row (local.get $rows))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        ;; Two accumulators: the adds of one do not wait for the other's.
        (block $rowDone
          (loop $lanes
            (br_if $rowDone (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $a (f32x4.add (local.get $a)
              (f32x4.mul (v128.load (i32.add (local.get $row) (local.get $j)))
                         (v128.load (i32.add (local.get $query) (local.get $j))))))
            (local.set $b (f32x4.add (local.get $b)
              (f32x4.mul (v128.load offset=16 (i32.add (local.get $row) (local.get $j)))
                         (v128.load offset=16 (i32.add (local.get $query) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $lanes)))
        (local.set $a (f32x4.add (local.get $a) (local.get $b)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
                   (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (local.set $row (i32.add (local.get $row) (local.get $bytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))
  ;; out[r] = scales[r] * dot(query, rows[r]) for r in [0, n), over int8 rows and an int16 query: a
  ;; quarter of the float rows' bytes to read, which is what bounds the float scan. dims is a multiple
  ;; of 16. The caller keeps |query| small enough that the int32 sums cannot overflow.
  (func (export "scanI8") (param $query i32) (param $rows i32) (param $scales i32) (param $n i32) (param $dims i32) (param $out i32)
    (local $r i32) (local $j i32) (local $row i32) (local $a v128) (local $b v128)
    (local.set $row (local.get $rows))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $a (v128.const i32x4 0 0 0 0))
        (local.set $b (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $lanes
            (br_if $rowDone (i32.ge_u (local.get $j) (local.get $dims)))
            ;; Eight int8 lanes widened to int16 as they load, then pairwise products summed to int32.
            (local.set $a (i32x4.add (local.get $a)
              (i32x4.dot_i16x8_s (v128.load8x8_s (i32.add (local.get $row) (local.get $j)))
                                 (v128.load (i32.add (local.get $query) (i32.shl (local.get $j) (i32.const 1)))))))
            (local.set $b (i32x4.add (local.get $b)
              (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (i32.add (local.get $row) (local.get $j)))
                                 (v128.load offset=16 (i32.add (local.get $query) (i32.shl (local.get $j) (i32.const 1)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $lanes)))
        (local.set $a (i32x4.add (local.get $a) (local.get $b)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32.mul
            (f32.convert_i32_s
              (i32.add (i32.add (i32x4.extract_lane 0 (local.get $a)) (i32x4.extract_lane 1 (local.get $a)))
                       (i32.add (i32x4.extract_lane 2 (local.get $a)) (i32x4.extract_lane 3 (local.get $a)))))
            (f32.load (i32.add (local.get $scales) (i32.shl (local.get $r) (i32.const 2))))))
        (local.set $row (i32.add (local.get $row) (local.get $dims)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))
)
