"""Pure computation (matching, costing, geometry, consortium): numpy, OR-Tools, trimesh; no Django."""
