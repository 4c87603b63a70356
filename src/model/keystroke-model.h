// SPDX-License-Identifier: MIT
#pragma once

// The keystroke embedding model (TypeNet, Acien et al. 2021): an LSTM over
// per-keystroke features (KeystrokeRow: five timings, rollover, one-hot key
// class), its last hidden state projected and L2-normalised. Weights are
// data, trained by tools/train/train_keystroke.py; inference is Eigen, pinned
// to PyTorch's output within 1e-4 by tests/unit/test-keystroke-model.cc.
//
// Weights file (format version 2; 1 is read too), "tactus-keystroke-model" files in
// data/models/: UTF-8 header lines, then the tensors as little-endian
// float32, row-major, in header order, then a trailer line
// "crc32 XXXXXXXX\n" (zlib CRC-32 of every byte before it). Header:
//   tactus-keystroke-model 2
//   model-version STRING
//   architecture lstm layers L hidden H embed E
//   class-set NAME K                (keyClassSetName(); K classes, one-hot)
//   transform clip-ms C log-scale-ms S rollover-max M
//   max-keys N
//   members K                       (format 2, optional, 1..8; default 1)
//   score centroid|mean-distance    (format 2, required; format 1 means mean-distance)
//   input-mean m1..m6  /  input-std s1..s6
//   calibration logistic A B
//   tensor NAME ROWS COLS            (PyTorch parameter names and shapes;
//                                     with K > 1 each member's, prefixed m0. .. mK-1.)
//   end
// Unknown header keys are ignored; a newer format version is refused.
//
// Input per keystroke: t (ms) = clip(timing, -C, C) -> sign(t) log1p(|t|/S)
// for hold, pp, rp, pr, rr; rollover -> min(r, M); each z-scored with
// input-mean/input-std; then the one-hot class (K values). The first row of
// a window has no predecessor: its flights and rollover count as 0.
//
// An ensemble (members K > 1: the same recipe trained with K seeds) embeds a
// window with each member and concatenates the K unit embeddings, scaled by
// 1/sqrt(K): a unit vector of K·E values whose squared distances are the
// members' mean (tools/train/rescore_model.py writes such files).
//
// Score of an attempt, by the file's rule: the Euclidean distance of its
// embedding to the mean of the enrollment embeddings (`centroid`), or the
// mean of its distances to them (`mean-distance`, TypeNet's); 0..2, lower =
// more alike. On the validation participants the centroid rule gave the same
// per-participant EER and a lower global one (tools/train/README.md), since
// a user whose templates spread has a mean distance inflated by that spread.
// Calibration turns the score into evidence: llr(d) = A + B d, the
// natural-log likelihood ratio
// log p(d | genuine) / p(d | impostor), fitted by prior-balanced logistic
// regression on validation-participant scores; independent windows add.

#include "keystroke-features.h"
#include "util-result.h"

#include <Eigen/Core>

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** Newest weights file format this code reads. */
inline constexpr unsigned kKeystrokeModelFormat = 2;

/** How an attempt's embedding is compared with the enrollment embeddings (the file's `score`). */
enum class KeystrokeScore : uint8_t {
	MeanDistance, ///< mean Euclidean distance to the templates (TypeNet: Acien et al. 2021)
	Centroid,     ///< Euclidean distance to the templates' mean
};

/** A loaded, validated keystroke model; immutable, shareable between threads. */
class KeystrokeModel {
public:
	/** Read and validate @p path; errors name the file and what is wrong. */
	static Result<KeystrokeModel> load(const std::string &path);
	/** Validate @p bytes, a whole weights file; @p name is used in error messages. */
	static Result<KeystrokeModel> parse(std::string_view bytes, const std::string &name);

	/** The model's version string (header `model-version`). */
	const std::string &version() const { return version_; }
	/** Class set the model was trained with; the extractor must use it too. */
	KeyClassSet classSet() const { return classSet_; }
	/** Embedding dimension: K members × E values each. */
	unsigned embeddingSize() const { return embed_ * static_cast<unsigned>(members_.size()); }
	/** Ensemble members K (1: a single model). */
	size_t members() const { return members_.size(); }
	/** Longest window the model was trained on; longer windows use their first maxKeys() rows. */
	size_t maxKeys() const { return maxKeys_; }
	/** The scoring rule the calibration was fitted for. */
	KeystrokeScore scoreRule() const { return score_; }
	/**
	 * Score of @p probe (a unit embedding, embeddingSize() values) against
	 * @p enrollment (embeddingSize() × n templates, n ≥ 1) by the model's
	 * rule: a distance in 0..2, lower = more alike; 0 when n = 0.
	 */
	float score(const Eigen::Ref<const Eigen::VectorXf> &probe,
		    const Eigen::Ref<const Eigen::MatrixXf> &enrollment) const;
	/** Log-likelihood ratio (natural log, genuine vs impostor) of a score(). */
	double llr(double distance) const { return calibA_ + calibB_ * distance; }

private:
	friend class KeystrokeEmbedder;
	friend class KeystrokeModelParser;
	KeystrokeModel() = default;

	struct Layer {
		Eigen::MatrixXf wih;  // 4H x in
		Eigen::MatrixXf whh;  // 4H x H
		Eigen::VectorXf bias; // bias_ih + bias_hh
	};
	struct Member {
		std::vector<Layer> layers;
		Eigen::MatrixXf proj; // E x H
		Eigen::VectorXf projBias;
	};

	std::string version_;
	KeyClassSet classSet_ = KeyClassSet::None;
	unsigned classes_ = 0;
	unsigned hidden_ = 0;
	unsigned embed_ = 0; ///< E, per member
	size_t maxKeys_ = 0;
	double clipMs_ = 0, logScaleMs_ = 1, rolloverMax_ = 0;
	std::array<double, 6> mean_{}, std_{};
	double calibA_ = 0, calibB_ = 0;
	KeystrokeScore score_ = KeystrokeScore::MeanDistance;
	std::vector<Member> members_;
};

/** Runs a model; holds the scratch buffers, so one per thread, no allocation per call. */
class KeystrokeEmbedder {
public:
	/** An embedder for @p model, which must outlive it. */
	explicit KeystrokeEmbedder(const KeystrokeModel &model);

	/**
	 * Embedding (unit length, model.embeddingSize() values) of a window of
	 * keystrokes into @p out; false if @p rows is empty.
	 */
	bool embed(std::span<const KeystrokeRow> rows, Eigen::Ref<Eigen::VectorXf> out);

private:
	/** One member's LSTM over the first @p n columns of in_; its last hidden state ends in h_. */
	void runMember(const KeystrokeModel::Member &member, Eigen::Index n);

	const KeystrokeModel &model_;
	Eigen::MatrixXf in_;    // features x maxKeys
	Eigen::MatrixXf gates_; // 4H x maxKeys
	Eigen::MatrixXf hs_;    // H x maxKeys, a layer's outputs
	Eigen::VectorXf g_, act_, h_, c_;
};

/** Mean Euclidean distance of @p probe to the columns of @p enrollment (TypeNet's score); 0 without columns. */
float meanDistance(const Eigen::Ref<const Eigen::VectorXf> &probe, const Eigen::Ref<const Eigen::MatrixXf> &enrollment);
/** Euclidean distance of @p probe to the mean of the columns of @p enrollment; 0 without columns. */
float centroidDistance(const Eigen::Ref<const Eigen::VectorXf> &probe,
		       const Eigen::Ref<const Eigen::MatrixXf> &enrollment);

/** zlib's CRC-32 of @p bytes. */
uint32_t crc32(std::string_view bytes);

} // namespace tactus
