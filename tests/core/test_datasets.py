"""Tests of the toy data sets, the train/test split, one_hot and CSV loading."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.datasets import (
    CLASSIFICATION,
    DATASETS,
    MULTICLASS,
    NOISE_SCALE,
    REGRESSION,
    Dataset,
    generate,
    load_csv,
    one_hot,
)


def test_name_lists_are_consistent():
    assert set(CLASSIFICATION) | set(MULTICLASS) | set(REGRESSION) == set(DATASETS)
    assert not set(CLASSIFICATION) & set(REGRESSION) and not set(MULTICLASS) & set(REGRESSION)
    assert tuple(NOISE_SCALE) == DATASETS


@pytest.mark.parametrize("name", DATASETS)
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = (
        generate(name, 200, 0.2, seed=7),
        generate(name, 200, 0.2, seed=7),
        generate(name, 200, 0.2, seed=8),
    )
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", DATASETS)
def test_shapes_task_and_ranges(name):
    d = generate(name, 301, noise=1.0, seed=3)
    assert d.X.shape == (301, 2) and d.Y.shape == (301, 1)
    assert d.X.dtype == np.float64 and d.Y.dtype == np.float64
    assert d.name == name and len(d) == 301
    assert np.all(np.abs(d.X) <= 6.0)
    if name in CLASSIFICATION:
        assert d.task == "classification" and d.classes == 2
        assert set(np.unique(d.Y)) == {0.0, 1.0}
        assert np.sum(d.Y) == 150  # class 1 gets samples // 2
    elif name in MULTICLASS:
        assert d.task == "classification" and d.classes == MULTICLASS[name] == 3
        assert np.array_equal(np.bincount(d.labels()), [101, 100, 100])  # balanced
    else:
        assert d.task == "regression"


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_targets_span_about_minus_one_to_one(name):
    y = generate(name, 5000, seed=1).Y
    assert -1.0 <= y.min() < -0.8 and 0.8 < y.max() <= 1.0


def test_plane_is_the_documented_linear_function():
    d = generate("plane", 50, seed=2)
    np.testing.assert_allclose(d.Y[:, 0], (d.X[:, 0] + d.X[:, 1]) / 12.0)


def test_noise_free_circle_is_separable_by_radius():
    d = generate("circle", 1000, noise=0.0, seed=4)
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    inside = d.Y[:, 0] == 1
    assert r[inside].max() <= 2.0 < 3.0 <= r[~inside].min()


def test_noise_free_xor_is_labelled_by_the_sign_product():
    d = generate("xor", 400, seed=5)
    np.testing.assert_array_equal(d.Y[:, 0], d.X[:, 0] * d.X[:, 1] > 0)


def test_noise_free_gauss_blobs_sit_on_the_diagonal():
    d = generate("gauss", 2000, seed=6)
    ones = d.Y[:, 0] == 1
    np.testing.assert_allclose(d.X[ones].mean(axis=0), [2.0, 2.0], atol=0.1)
    np.testing.assert_allclose(d.X[~ones].mean(axis=0), [-2.0, -2.0], atol=0.1)


def test_noise_free_linear_set_has_a_margin_around_a_line():
    d = generate("linear", 500, seed=7)
    # Search the directions of a line through the origin on a fine grid (steps of 0.001 rad move
    # a point at radius < 7.1 by less than 0.01 across the line).
    angles = np.arange(0.0, 2.0 * np.pi, 0.001)
    distance = d.X @ np.stack([np.cos(angles), np.sin(angles)])
    ones = d.Y[:, 0] == 1
    margin = np.minimum(distance[ones].min(axis=0), -distance[~ones].max(axis=0))
    assert 0.49 < margin.max() < 1.0


def test_noise_jitters_the_same_points():
    clean, noisy = generate("gauss", 2000, 0.0, seed=9), generate("gauss", 2000, 0.5, seed=9)
    np.testing.assert_array_equal(clean.Y, noisy.Y)
    # Blobs of std 1 far from the clipping edge: jitter of std 0.5 * 2 = 1 per coordinate.
    assert 0.9 < np.std(noisy.X - clean.X) < 1.1


def test_regression_noise_changes_targets_not_inputs():
    clean, noisy = generate("plane", 300, 0.0, seed=9), generate("plane", 300, 1.0, seed=9)
    np.testing.assert_array_equal(clean.X, noisy.X)
    assert 0.4 < np.std(noisy.Y - clean.Y) < 0.6


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "moons"}, r"unknown data set name 'moons'; valid names: circle, xor, .*multi"),
        ({"name": "xor", "samples": 1}, r"samples must be between 2 and 100000, got 1"),
        ({"name": "xor", "samples": 100_001}, r"samples must be between 2 and 100000"),
        ({"name": "xor", "samples": 10.0}, r"samples must be an integer, got 10.0"),
        ({"name": "xor", "samples": True}, r"samples must be an integer"),
        ({"name": "xor", "noise": -0.1}, r"noise must be a number in \[0, 1\], got -0.1"),
        ({"name": "xor", "noise": 1.5}, r"noise must be a number in \[0, 1\]"),
        ({"name": "xor", "noise": float("nan")}, r"noise must be a number in \[0, 1\]"),
        ({"name": "xor", "noise": "0.1"}, r"noise must be a number in \[0, 1\]"),
    ],
)
def test_generate_validates_its_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        generate(**kwargs)


def test_numpy_integers_are_accepted_as_samples():
    assert len(generate("gauss", np.int64(10))) == 10


def test_split_sizes_and_determinism():
    d = generate("circle", 101, seed=1)
    train, test = d.split(0.8, seed=3)
    assert (len(train), len(test)) == (81, 20)
    again, _ = d.split(0.8, seed=3)
    other, _ = d.split(0.8, seed=4)
    np.testing.assert_array_equal(train.X, again.X)
    assert not np.array_equal(train.X, other.X)
    assert train.task == test.task == "classification" and train.name == "circle"


def test_split_with_fraction_one_leaves_an_empty_test_set():
    train, test = generate("plane", 10).split(1.0, seed=0)
    assert len(train) == 10
    assert test.X.shape == (0, 2) and test.Y.shape == (0, 1)


@pytest.mark.parametrize("fraction", [0, -0.5, 1.01, float("nan"), True])
def test_split_rejects_fractions_outside_zero_one(fraction):
    with pytest.raises(ValueError, match=r"train_fraction must be in \(0, 1\]"):
        generate("xor", 10).split(fraction, seed=0)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(DATASETS),
    samples=st.integers(2, 300),
    noise=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
    fraction=st.floats(0.01, 1.0),
)
def test_generated_sets_are_well_formed_and_split_is_a_permutation(
    name, samples, noise, seed, fraction
):
    d = generate(name, samples, noise, seed)
    assert d.X.shape == (samples, 2) and d.Y.shape == (samples, 1)
    assert np.all(np.isfinite(d.X)) and np.all(np.isfinite(d.Y))
    assert np.all(np.abs(d.X) <= 6.0)
    if d.task == "classification":
        counts = np.bincount(d.labels(), minlength=d.classes)
        assert counts.max() - counts.min() <= 1  # balanced up to one sample
    train, test = d.split(fraction, seed)
    assert len(train) >= 1 and len(train) + len(test) == samples
    rows = np.hstack([d.X, d.Y])
    both = np.vstack([np.hstack([train.X, train.Y]), np.hstack([test.X, test.Y])])
    np.testing.assert_array_equal(np.sort(both, axis=0), np.sort(rows, axis=0))


def test_dataset_checks_shapes_and_task():
    with pytest.raises(ValueError, match="same number of rows"):
        Dataset(np.zeros((3, 2)), np.zeros((2, 1)), "regression", "bad")
    with pytest.raises(ValueError, match="same number of rows"):
        Dataset(np.zeros((3, 2)), np.zeros(3), "regression", "bad")
    with pytest.raises(ValueError, match="task must be one of classification, regression"):
        Dataset(np.zeros((3, 2)), np.zeros((3, 1)), "clustering", "bad")


def test_one_hot():
    np.testing.assert_array_equal(
        one_hot(np.array([[0.0], [2.0], [1.0]]), 3), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    )
    assert one_hot(np.array([1.0, 0.0]), 2).shape == (2, 2)


@pytest.mark.parametrize(
    ("labels", "classes", "match"),
    [
        ([[0.0], [3.0]], 3, r"labels must be integers 0 to 2, got 3"),
        ([[0.5]], 2, r"labels must be integers 0 to 1, got 0.5"),
        ([[-1.0]], 2, r"got -1"),
        ([[float("nan")]], 2, r"got nan"),
        ([[0.0, 1.0]], 2, r"Y must be one column of labels"),
        ([[0.0]], 0, r"classes must be at least 1, got 0"),
    ],
)
def test_one_hot_validates(labels, classes, match):
    with pytest.raises(ValueError, match=match):
        one_hot(np.array(labels), classes)


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_csv_without_header_is_classification(tmp_path):
    d = load_csv(write(tmp_path, "0.5,1,1\n-2,3.5,0\n\n 4 , -1e-1 , 1\n"))
    np.testing.assert_array_equal(d.X, [[0.5, 1.0], [-2.0, 3.5], [4.0, -0.1]])
    np.testing.assert_array_equal(d.Y, [[1.0], [0.0], [1.0]])
    assert d.task == "classification" and d.name == "data"


def test_load_csv_with_header_and_two_targets_is_regression(tmp_path):
    d = load_csv(write(tmp_path, "x1,x2,x3,y1,y2\n1,2,3,0.5,1\n4,5,6,2,0\n"), targets=2)
    assert d.X.shape == (2, 3) and d.Y.shape == (2, 2)
    np.testing.assert_array_equal(d.Y, [[0.5, 1.0], [2.0, 0.0]])
    assert d.task == "regression"


def test_load_csv_skips_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfx,y\n1,2\n3,4\n")
    assert load_csv(path).X.shape == (2, 1)


def test_load_csv_checks_expected_inputs(tmp_path):
    path = write(tmp_path, "1,2,3,0\n4,5,6,1\n")
    assert load_csv(path, expected_inputs=3).X.shape == (2, 3)
    with pytest.raises(
        ValueError, match=r"expected 2 input columns \+ 1 target column\(s\), got 4 columns"
    ):
        load_csv(path, expected_inputs=2)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", r"data\.csv: the file is empty"),
        ("\n  \n\n", r"the file is empty"),
        ("x,y\n", r"no data rows, only a header"),
        ("1\n2\n", r"needs at least 2 columns \(inputs, then 1 target column\(s\)\), got 1"),
        ("x,y,t\n1,2,0\n\n1,2,1\n3,4,0\n\n\n5,6\n", r"line 8: expected 3 columns, got 2"),
        ("1,2,0\n3,4,1,9\n", r"line 2: expected 3 columns, got 4"),
        ("1,2,0\n3,abc,1\n", r"line 2, column 2: 'abc' is not a number"),
        ("1,2,0\n3,,1\n", r"line 2, column 2: '' is not a number"),
        ("1,2,0\n3,4,nan\n", r"line 2, column 3: 'nan' is not a finite number"),
        ("1,2,0\n-inf,4,1\n", r"line 2, column 1: '-inf' is not a finite number"),
    ],
)
def test_load_csv_reports_bad_contents(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        load_csv(write(tmp_path, text))


def test_load_csv_too_few_columns_for_the_targets(tmp_path):
    with pytest.raises(ValueError, match=r"needs at least 3 columns .*got 2"):
        load_csv(write(tmp_path, "1,2\n3,4\n"), targets=2)


def test_load_csv_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nowhere.csv"
    with pytest.raises(OSError, match="nowhere.csv"):
        load_csv(missing)


def test_load_csv_binary_file(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(ValueError, match=r"image\.csv: not a UTF-8 text file"):
        load_csv(path)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"targets": 0}, r"targets must be at least 1, got 0"),
        ({"expected_inputs": 0}, r"expected_inputs must be at least 1, got 0"),
    ],
)
def test_load_csv_validates_its_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_csv(write(tmp_path, "1,2\n3,4\n"), **kwargs)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.integers(0, 1)),
        min_size=2,
        max_size=20,
    )
)
def test_load_csv_round_trips_written_numbers(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("csv") / "rows.csv"
    path.write_text("".join(f"{a!r},{b!r},{c}\n" for a, b, c in rows), encoding="utf-8")
    d = load_csv(path, expected_inputs=2)
    np.testing.assert_array_equal(d.X, [[a, b] for a, b, _ in rows])
    np.testing.assert_array_equal(d.Y[:, 0], [c for *_, c in rows])
    assert d.task == "classification"


def test_a_csv_target_column_of_small_whole_numbers_is_class_labels(tmp_path):
    from core.datasets import for_outputs

    path = tmp_path / "labels.csv"
    path.write_text("a,b,y\n0,0,0\n1,0,1\n0,1,2\n1,1,2\n")
    d = load_csv(path)
    assert d.task == "classification" and d.classes == 3 and d.Y.shape == (4, 1)
    assert list(d.labels()) == [0, 1, 2, 2]
    hot = for_outputs(d, 3)
    assert np.array_equal(hot.Y, np.eye(3)[[0, 1, 2, 2]]) and hot.classes == 3
    assert for_outputs(d, 1) is d  # a one-unit network gets the labels as they are
    read = load_csv(path, targets=3, expected_inputs=2)  # a softmax network's file: one-hot
    assert np.array_equal(read.Y, hot.Y)
    path.write_text("a,b,p,q,r\n0,0,1,0,0\n1,0,0,0,1\n")
    assert load_csv(path, targets=3).classes == 3  # one-hot columns: one class each
    path.write_text("a,b,y\n0,0,0.5\n1,0,2\n")
    assert load_csv(path).task == "regression"  # fractions are numbers, not labels
    path.write_text("a,b,y\n0,0,-1\n1,0,2\n")
    assert load_csv(path).task == "regression"
    with pytest.raises(ValueError, match="class labels for 3 output units"):
        load_csv(path, targets=3, expected_inputs=2)


def test_three_class_sets_are_labelled_by_their_geometry():
    d = generate("blobs3", 900, noise=0.0, seed=1)
    for k in range(3):
        centre = d.X[d.labels() == k].mean(axis=0)
        angle = np.pi / 2 + 2 * np.pi * k / 3
        assert np.allclose(centre, 3.0 * np.array([np.cos(angle), np.sin(angle)]), atol=0.25)
    s = generate("spiral3", 300, noise=0.0, seed=1)
    radius = np.hypot(s.X[:, 0], s.X[:, 1])
    assert radius.min() >= 0.3 - 1e-9 and radius.max() <= 5.0 + 1e-9
