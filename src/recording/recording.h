// SPDX-License-Identifier: MIT
#pragma once

#include "device-info.h"
#include "input-event.h"
#include "util-result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** One device described in a recording. */
struct RecordedDevice {
	DeviceInfo info;                 ///< name, ids, codes, caps; syspath empty
	bool provenanceRecorded = false; ///< true if tactus wrote the provenance into the file
};

/** One event of a recording, with the index of its device in Recording::devices. */
struct RecordedEvent {
	uint32_t device = 0;
	InputEvent event;
};

/** Supported input formats. */
enum class RecordingFormat {
	LibinputRecord, ///< `libinput record` YAML (version 1)
	Evemu,          ///< `evemu-record` text (EVEMU 1.2/1.3)
};

/** A whole recording, parsed and validated; events of all devices merged in time order. */
struct Recording {
	std::string path;
	RecordingFormat format = RecordingFormat::LibinputRecord;
	std::vector<RecordedDevice> devices;
	std::vector<RecordedEvent> events;
};

/** Hard limits against hostile files; exceeding one is an error naming the line. */
struct RecordingLimits {
	size_t maxFileBytes = 512u << 20;
	size_t maxDevices = 64;
	size_t maxEvents = 50'000'000;
	size_t maxNameBytes = 1024;
};

/**
 * Read and parse @p path, detecting the format from its content. Errors name
 * the file and line: "FILE:LINE: what is wrong".
 */
Result<Recording> loadRecording(const std::string &path, const RecordingLimits &limits = {});

/** Parse `libinput record` YAML held in @p text; @p name is used in error messages. */
Result<Recording> parseLibinputRecord(std::string_view text, std::string_view name, const RecordingLimits &limits = {});

/** Parse an `evemu-record` file held in @p text; @p name is used in error messages. */
Result<Recording> parseEvemu(std::string_view text, std::string_view name, const RecordingLimits &limits = {});

} // namespace tactus
