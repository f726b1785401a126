"""Sampling math of docs/model.md §2.2–2.6 on hand cases (half-to-even rounding, float32 linspace, pixel budgets)."""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from vr2ref.sampling import pixel_budget, sample_indices, smart_nframes, smart_resize  # noqa: E402


class SamplingTest(unittest.TestCase):
    def test_nframes_rounds_half_to_even(self):
        self.assertEqual(smart_nframes({"nframes": 9}, 70, 12.0), 8)    # 4.5 -> 4
        self.assertEqual(smart_nframes({"nframes": 33}, 300, 30.0), 32)  # 16.5 -> 16
        self.assertEqual(smart_nframes({"nframes": 35}, 300, 30.0), 36)  # 17.5 -> 18

    def test_fps_path_clamps_and_floors(self):
        self.assertEqual(smart_nframes({}, 16, 8.0), 4)      # 2 s at 2 fps
        self.assertEqual(smart_nframes({}, 10, 30.0), 4)     # below FPS_MIN_FRAMES: raised to 4
        self.assertEqual(smart_nframes({}, 3000, 30.0), 32)  # FPS_MAX_FRAMES = 32 (Video-R2)
        self.assertEqual(smart_nframes({}, 75, 10.0), 14)    # 15 -> floor to even 14
        with self.assertRaises(ValueError):
            smart_nframes({"nframes": 12}, 10, 30.0)

    def test_linspace_indices(self):
        self.assertEqual(sample_indices(70, 8), [0, 10, 20, 30, 39, 49, 59, 69])
        self.assertEqual(sample_indices(16, 4), [0, 5, 10, 15])

    def test_smart_resize(self):
        self.assertEqual(smart_resize(360, 640, 28, 100352, 200704), (336, 588))   # docs/model.md §2.5 demo size
        self.assertEqual(smart_resize(168, 252, 28, 3136, 18816), (112, 168))
        self.assertEqual(smart_resize(72, 100, 28, 6272, 9408), (84, 112))
        self.assertEqual(smart_resize(48, 64, 28, 3136, 3136), (56, 56))

    def test_pixel_budget(self):
        self.assertEqual(pixel_budget({"max_pixels": 200704}, 32), (100352, 200704))
        self.assertEqual(pixel_budget({"min_pixels": 3136, "max_pixels": 3136}, 8), (3136, 3136))


if __name__ == "__main__":
    unittest.main()
