// SPDX-License-Identifier: MIT
#pragma once

// Profiles and state directories for the profile tests.

#include "profile.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace tactus::test {

/** The model the sample profiles are made with. */
inline ModelId sampleModel(uint32_t version = 3, uint32_t dim = 8)
{
	return ModelId{"keystroke-test", version, dim};
}

/** A section with @p n templates whose values encode @p seed, so two sections with different seeds differ. */
inline ModalityProfile sampleSection(Modality modality, ProfileState state, uint32_t n, float seed)
{
	ModalityProfile m;
	m.modality = modality;
	m.state = state;
	m.model = sampleModel();
	m.createdUs = 1714560000000000;
	m.updatedUs = 1714563600000000;
	m.templatesNeeded = 5;
	m.eventsSeen = 50ull * n + 7;
	m.eventsNeeded = 250;
	m.eventsSinceTemplate = 7;
	m.adaptations = state == ProfileState::Ready ? 2 : 0;
	m.genuine = ScoreStats{42, 0.25, 0.0625};
	for (uint32_t i = 0; i < n * m.model.dim; i++)
		m.templates.push_back(seed + 0.001f * static_cast<float>(i) - 0.5f);
	return m;
}

/** A ready keystroke section and an enrolling pointer section for @p uid. */
inline Profile sampleProfile(uid_t uid = 1000, float seed = 1.0f)
{
	Profile p;
	p.uid = uid;
	p.createdUs = 1714560000000000;
	p.updatedUs = 1714563600000000;
	p.modalities.push_back(sampleSection(Modality::Keystroke, ProfileState::Ready, 6, seed));
	p.modalities.push_back(sampleSection(Modality::Pointer, ProfileState::Enrolling, 2, seed + 1.0f));
	return p;
}

/** encodeProfile() that must succeed. */
inline std::string encodeOk(const Profile &p)
{
	auto image = encodeProfile(p);
	EXPECT_TRUE(image) << image.error().message;
	return image ? *image : std::string();
}

/** A fresh temporary directory, removed with everything below it at the end of the test. */
class TempDir {
public:
	TempDir()
	{
		std::string tmpl = (std::filesystem::temp_directory_path() / "tactus-profile-XXXXXX").string();
		char *made = ::mkdtemp(tmpl.data());
		EXPECT_NE(made, nullptr);
		path_ = tmpl;
	}
	~TempDir()
	{
		std::error_code ec;
		std::filesystem::remove_all(path_, ec);
	}
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;

	const std::string &path() const { return path_; }

private:
	std::string path_;
};

} // namespace tactus::test
