// SPDX-License-Identifier: MIT
// The keystroke model: the C++ inference equals PyTorch's within 1e-4 on
// fixtures made by tools/train/gen_model_fixtures.py (generated windows, no
// real typing), and the weights reader turns every bad file into an error
// naming the file and the problem, never a crash.

#include "keystroke-model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace tactus;

namespace {

std::string fixtureDir()
{
	const char *root = getenv("TACTUS_SOURCE_ROOT");
	return std::string(root ? root : ".") + "/tests/data/keystroke-model/";
}

std::string readFile(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

std::vector<std::vector<KeystrokeRow>> readWindows(const std::string &name = "windows.tsv")
{
	std::vector<std::vector<KeystrokeRow>> out;
	std::ifstream in(fixtureDir() + name);
	std::string line;
	while (std::getline(in, line)) {
		if (line.empty() || line[0] == '#')
			continue;
		std::istringstream ls(line);
		size_t w;
		long long v[7];
		ls >> w >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6];
		if (out.size() <= w)
			out.resize(w + 1);
		out[w].push_back(
			{v[0], v[1], v[2], v[3], v[4], static_cast<uint8_t>(v[5]), static_cast<uint8_t>(v[6])});
	}
	return out;
}

std::vector<std::vector<float>> readExpected(const std::string &name)
{
	std::vector<std::vector<float>> out;
	std::ifstream in(fixtureDir() + name);
	std::string line;
	while (std::getline(in, line)) {
		std::istringstream ls(line);
		size_t w;
		ls >> w;
		std::vector<float> e;
		float f;
		while (ls >> f)
			e.push_back(f);
		out.push_back(e);
	}
	return out;
}

void expectMatchesPyTorch(const std::string &model, const std::string &expected)
{
	auto m = KeystrokeModel::load(fixtureDir() + model);
	ASSERT_TRUE(m.ok()) << m.error().message;
	auto windows = readWindows();
	auto want = readExpected(expected);
	ASSERT_EQ(windows.size(), want.size());
	ASSERT_GE(windows.size(), 5u);
	KeystrokeEmbedder embedder(*m);
	Eigen::VectorXf e(m->embeddingSize());
	for (size_t w = 0; w < windows.size(); w++) {
		ASSERT_TRUE(embedder.embed(windows[w], e));
		ASSERT_EQ(static_cast<size_t>(e.size()), want[w].size());
		for (Eigen::Index k = 0; k < e.size(); k++)
			EXPECT_NEAR(e(k), want[w][static_cast<size_t>(k)], 1e-4)
				<< model << " window " << w << " value " << k;
		EXPECT_NEAR(e.norm(), 1.0f, 1e-5);
	}
}

// The tiny fixture with its header edited and the checksum made valid again,
// so the reader gets past the CRC and must catch the problem itself.
std::string edited(std::string bytes, const std::string &from, const std::string &to)
{
	size_t trailer = bytes.rfind("crc32 ");
	std::string body = bytes.substr(0, trailer);
	size_t at = body.find(from);
	EXPECT_NE(at, std::string::npos) << from;
	if (at != std::string::npos)
		body.replace(at, from.size(), to);
	char crc[32];
	snprintf(crc, sizeof crc, "crc32 %08x\n", crc32(body));
	return body + crc;
}

void expectError(const std::string &bytes, const std::string &what)
{
	auto m = KeystrokeModel::parse(bytes, "models/test.tkm");
	ASSERT_FALSE(m.ok()) << "accepted a file that is " << what;
	EXPECT_NE(m.error().message.find("models/test.tkm"), std::string::npos) << m.error().message;
	EXPECT_NE(m.error().message.find(what), std::string::npos) << m.error().message;
	EXPECT_LT(m.error().errnum, 0);
}

} // namespace

TEST(KeystrokeModel, Crc32IsZlibs)
{
	EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
	EXPECT_EQ(crc32(""), 0u);
}

TEST(KeystrokeModel, TinyModelMatchesPyTorch)
{
	expectMatchesPyTorch("tiny.tkm", "tiny-expected.tsv");
}

TEST(KeystrokeModel, ShippedModelMatchesPyTorch)
{
	const char *root = getenv("TACTUS_SOURCE_ROOT");
	std::string shipped = std::string(root ? root : ".") + "/data/models/keystroke.tkm";
	auto m = KeystrokeModel::load(shipped);
	ASSERT_TRUE(m.ok()) << m.error().message;
	// Two members of 128 values each (an ensemble: the concatenation scaled by 1/sqrt(2)).
	EXPECT_EQ(m->members(), 2u);
	EXPECT_EQ(m->embeddingSize(), 256u);
	auto windows = readWindows("shipped-windows.tsv");
	auto want = readExpected("shipped-expected.tsv");
	ASSERT_EQ(windows.size(), want.size()) << "regenerate with tools/train/gen_model_fixtures.py --shipped";
	ASSERT_EQ(want[0].size(), m->embeddingSize()) << "regenerate with tools/train/gen_model_fixtures.py --shipped";
	KeystrokeEmbedder embedder(*m);
	Eigen::VectorXf e(m->embeddingSize());
	for (size_t w = 0; w < windows.size(); w++) {
		ASSERT_TRUE(embedder.embed(windows[w], e));
		for (Eigen::Index k = 0; k < e.size(); k++)
			EXPECT_NEAR(e(k), want[w][static_cast<size_t>(k)], 1e-4) << "window " << w << " value " << k;
	}
}

TEST(KeystrokeModel, EmbeddingDependsOnTimingAndClass)
{
	auto m = KeystrokeModel::load(fixtureDir() + "tiny.tkm");
	ASSERT_TRUE(m.ok()) << m.error().message;
	auto windows = readWindows();
	KeystrokeEmbedder embedder(*m);
	Eigen::VectorXf a(m->embeddingSize()), b(m->embeddingSize());
	std::vector<KeystrokeRow> w = windows[3];
	ASSERT_TRUE(embedder.embed(w, a));
	w[2].holdUs += 40'000;
	ASSERT_TRUE(embedder.embed(w, b));
	EXPECT_GT((a - b).norm(), 1e-4);
	w = windows[3];
	w[2].keyClass = static_cast<uint8_t>((w[2].keyClass + 1) % 10);
	ASSERT_TRUE(embedder.embed(w, b));
	EXPECT_GT((a - b).norm(), 1e-4);
	EXPECT_FALSE(embedder.embed({}, b));
}

TEST(KeystrokeModel, ScoreAndCalibration)
{
	auto m = KeystrokeModel::load(fixtureDir() + "tiny.tkm");
	ASSERT_TRUE(m.ok()) << m.error().message;
	Eigen::MatrixXf enroll(2, 2);
	enroll << 1, 0, 0, 1;
	Eigen::VectorXf probe(2);
	probe << 1, 0;
	EXPECT_NEAR(meanDistance(probe, enroll), (0.0f + std::sqrt(2.0f)) / 2, 1e-6);
	// The centroid (0.5, 0.5) is sqrt(0.5) from (1, 0).
	EXPECT_NEAR(centroidDistance(probe, enroll), std::sqrt(0.5f), 1e-6);
	EXPECT_EQ(centroidDistance(probe, Eigen::MatrixXf(2, 0)), 0.0f);
	// tiny.tkm says "score mean-distance".
	EXPECT_EQ(m->scoreRule(), KeystrokeScore::MeanDistance);
	EXPECT_EQ(m->score(probe, enroll), meanDistance(probe, enroll));
	// tiny.tkm: calibration logistic 1.5 -4.
	EXPECT_DOUBLE_EQ(m->llr(0.5), 1.5 - 4 * 0.5);
	EXPECT_GT(m->llr(0.1), m->llr(0.9));
}

TEST(KeystrokeModel, RefusesBadFiles)
{
	const std::string good = readFile(fixtureDir() + "tiny.tkm");
	ASSERT_TRUE(KeystrokeModel::parse(good, "models/test.tkm").ok());

	expectError("", "not a tactus keystroke model");
	expectError(std::string("\x7f"
				"ELF\x02\x01\x01\0\0\0",
				10) +
			    std::string(4000, '\xff'),
		    "not a tactus keystroke model");
	expectError("tactus-keystroke-model 1\nend\n", "truncated");
	// Truncated anywhere: an error, never a crash.
	for (size_t n = 0; n < good.size(); n += 97)
		EXPECT_FALSE(KeystrokeModel::parse(good.substr(0, n), "models/test.tkm").ok()) << n;
	expectError(good.substr(0, good.size() - 1), "truncated");
	std::string flipped = good;
	flipped[flipped.size() / 2] ^= 0x10;
	expectError(flipped, "checksum mismatch");

	expectError(edited(good, "tactus-keystroke-model 2", "tactus-keystroke-model 3"), "format version 3 is newer");
	// Format 2 names its scoring rule; format 1 had none and meant the mean distance.
	expectError(edited(good, "score mean-distance\n", ""), "\"score\"");
	expectError(edited(good, "score mean-distance", "score median"), "\"score\"");
	auto v1 = KeystrokeModel::parse(edited(edited(good, "tactus-keystroke-model 2", "tactus-keystroke-model 1"),
					       "score mean-distance\n", ""),
					"models/v1.tkm");
	ASSERT_TRUE(v1.ok()) << v1.error().message;
	EXPECT_EQ(v1->scoreRule(), KeystrokeScore::MeanDistance);
	expectError(edited(good, "members 1", "members 0"), "\"members\"");
	expectError(edited(good, "members 1", "members 9"), "\"members\"");
	// Two members announced, one member's tensors present.
	expectError(edited(good, "members 1", "members 2"), "tensors, architecture needs");
	auto centroid = KeystrokeModel::parse(edited(good, "score mean-distance", "score centroid"), "models/c.tkm");
	ASSERT_TRUE(centroid.ok()) << centroid.error().message;
	EXPECT_EQ(centroid->scoreRule(), KeystrokeScore::Centroid);
	expectError(edited(good, "tensor proj.weight 8 16", "tensor proj.weight 8 15"), "tensor proj.weight is 8x15");
	expectError(edited(good, "architecture lstm layers 2 hidden 16", "architecture lstm layers 2 hidden 17"),
		    "lstm.weight_ih_l0 is 64x16, architecture needs 68x16");
	expectError(edited(good, "class-set hand-row 10", "class-set hand-row 11"),
		    "class set hand-row has 10 classes");
	expectError(edited(good, "class-set hand-row", "class-set qwerty"), "unknown class set");
	expectError(edited(good, "input-std 1.1 2 3 1.5 2.5 0.6", "input-std 1.1 2 3 1.5 2.5 0"),
		    "\"input-std\" must be positive");
	expectError(edited(good, "input-mean 2 1.5 0.5 2.5 1 0.3", "input-mean 2 1.5 0.5 2.5 1"), "input-mean");
	expectError(edited(good, "calibration logistic 1.5 -4\n", ""), "calibration");
	expectError(edited(good, "tensor proj.bias 8 1\n", ""), "has 9 tensors, architecture needs 10");
	expectError(edited(good, "tensor lstm.weight_hh_l0", "tensor lstm.weight_xx_l0"),
		    "expected \"lstm.weight_hh_l0\"");
	expectError(edited(good, "\nend\n", "\nend\n\x01\x02\x03\x04"), "tensor data is");

	// A NaN weight, checksum valid.
	std::string nan = good;
	size_t data = nan.find("\nend\n") + 5;
	const char nanBytes[4] = {0, 0, '\xc0', '\x7f'};
	nan.replace(data, 4, nanBytes, 4);
	size_t trailer = nan.rfind("crc32 ");
	char crc[32];
	snprintf(crc, sizeof crc, "crc32 %08x\n", crc32(nan.substr(0, trailer)));
	nan = nan.substr(0, trailer) + crc;
	expectError(nan, "NaN");

	auto missing = KeystrokeModel::load("/nonexistent/keystroke.tkm");
	ASSERT_FALSE(missing.ok());
	EXPECT_NE(missing.error().message.find("/nonexistent/keystroke.tkm"), std::string::npos);
}
