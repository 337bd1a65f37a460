# mkx top-level build. `make run` and `make test` install their Debian
# packages first (tools/deps.sh, apt-get only when something is missing).
#
#   make            build everything (static binaries, for the boot image too)
#   make test       host tests + QEMU scenarios, last line "N passed, N failed"
#   make test SANITIZE=1   host tests under ASan/UBSan (dynamic build in build/san)
#   make run [SCENARIO=name] [QEMU_ARGS=...] [KERNEL_ARGS=...]
#   make bench      benchmarks, reported as ratios, written to build/bench/results.md
#   make host-run   the hello composition on this machine, no QEMU

CC	?= gcc
SANITIZE ?= 0
SCENARIO ?= hello
QEMU_ARGS ?=
KERNEL_ARGS ?=

ifeq ($(SANITIZE),1)
B	:= build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDSTATIC :=
else
B	:= build/out
SANFLAGS :=
LDSTATIC := -static
endif

CFLAGS	:= -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ibase/include -MMD -MP $(SANFLAGS)
LDFLAGS	:= $(LDSTATIC) $(SANFLAGS)
LIBS	:= -lexpat

BASE_SRC := $(wildcard base/*.c)
CORE_SRC := $(wildcard core-services/*.c core-services/linux/*.c core-services/sim/*.c)
CORE_LIB_SRC := $(filter-out core-services/main.c,$(CORE_SRC))

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

APPS	:= hello_server hello_client block_tester
TEST_COMPONENTS := $(notdir $(basename $(wildcard tests/components/*.c)))
DRIVERS	:= $(filter-out common,$(notdir $(patsubst %/,%,$(wildcard drivers/*/))))
DRV_COMMON_SRC := $(wildcard drivers/common/*.c)
UNIT_TESTS := $(notdir $(basename $(wildcard tests/unit/*_test.c)))

CORE_TOOLS := $(notdir $(basename $(wildcard core-services/tools/*.c)))
ACPI_SRC := $(wildcard acpi/*.c acpi/aml/*.c)
ACPI_LIB_SRC := $(filter-out acpi/main.c,$(ACPI_SRC))
# pci/: the platform driver. Its portable core (config access ops, enumeration, views) is
# libpci.a for tests and the fuzzer; the component's session code is in the binary only.
PCI_SRC := $(wildcard pci/*.c)
# Both platform drivers' Platform sessions (libmkx's sessions at core, so not in libpci.a for the fuzzer).
PCI_SESSION_SRC := pci/platform_session.c pci/platform_dma.c pci/conf1_port.c
PCI_COMPONENT_SRC := pci/main.c pci/component.c pci/devices_report.c pci/platform.c $(PCI_SESSION_SRC)
# platform: the ROM-fed platform driver (Genode's composition, pci_decode -> platform), same libpci.a.
PLATFORM_SRC := pci/platform_main.c pci/platform_serve.c $(PCI_SESSION_SRC)
PCI_LIB_SRC := $(filter-out $(PCI_COMPONENT_SRC) $(PLATFORM_SRC),$(PCI_SRC))
BINS	:= $(B)/bin/acpi $(B)/bin/pci $(B)/bin/platform $(B)/bin/core $(B)/bin/hostile $(addprefix $(B)/bin/,$(CORE_TOOLS)) $(addprefix $(B)/bin/,$(APPS) $(TEST_COMPONENTS) $(DRIVERS))
TESTBINS := $(addprefix $(B)/tests/,$(UNIT_TESTS))

FUZZ_CC	?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Ibase/include -std=gnu11
FUZZ_TARGETS := fuzz_aml fuzz_tables fuzz_config fuzz_hid fuzz_pci fuzz_record_cfg
FUZZ_SRC_fuzz_aml := $(filter-out acpi/component.c acpi/regions_session.c,$(ACPI_LIB_SRC))
FUZZ_SRC_fuzz_tables := $(filter-out acpi/component.c acpi/regions_session.c,$(ACPI_LIB_SRC))
FUZZ_SRC_fuzz_config := $(CORE_LIB_SRC) $(BASE_SRC)
FUZZ_SRC_fuzz_hid := base/hid.c base/xml.c base/args.c
# (quirks_start.c and opregion.c's live part reach BAR memory through core's IO_MEM session: libmkx, not in the fuzzer)
FUZZ_SRC_fuzz_pci := $(filter-out pci/quirks_start.c pci/opregion.c,$(PCI_LIB_SRC)) base/hid.c base/xml.c base/args.c \
	base/pci_class.c
FUZZ_SRC_fuzz_record_cfg := acpi/record_cfg.c

.PHONY: all deps test host-test scenario-test run host-run bench image usb clean
all: $(BINS) $(TESTBINS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

# Archives are made anew (rm first): ar would keep the object of a deleted source in them.
$(B)/libmkx.a: $(call obj,$(BASE_SRC))
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $^

$(B)/libcore.a: $(call obj,$(CORE_LIB_SRC))
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $^

$(B)/bin/core: $(call obj,core-services/main.c) $(B)/libcore.a $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/libacpi.a: $(call obj,$(ACPI_LIB_SRC))
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $^

$(B)/bin/acpi: $(call obj,acpi/main.c) $(B)/libacpi.a $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/libpci.a: $(call obj,$(PCI_LIB_SRC))
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $^

$(B)/bin/pci: $(call obj,$(PCI_COMPONENT_SRC)) $(B)/libpci.a $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/bin/platform: $(call obj,$(PLATFORM_SRC)) $(B)/libpci.a $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# pci_walk (make bench): the platform driver's portable walk (libpci.a) as a whole process.
$(B)/bin/pci_walk: $(B)/obj/core-services/tools/pci_walk.o $(B)/libpci.a $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Tools of core-services/ (Linux-specific, e.g. benchmark references).
$(B)/bin/%: $(B)/obj/core-services/tools/%.o $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/bin/hello_%: $(call obj,apps/hello/hello_%.c) $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# block_tester: every .c file in apps/block_tester/.
$(B)/bin/block_tester: $(call obj,$(wildcard apps/block_tester/*.c)) $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/bin/%: $(B)/obj/tests/components/%.o $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The hostile component: attacks on the fence around components (tests/attack/).
$(B)/bin/hostile: $(call obj,$(wildcard tests/attack/*.c)) $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/libdrivers.a: $(call obj,$(DRV_COMMON_SRC))
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $^

# A driver is every .c file in drivers/<name>/. Extra libraries per driver;
# a driver with a library Debian ships only as .so is linked dynamically
# (run/image.py copies what ldd lists into the image).
DRIVER_LIBS_fb_vesa := -lx86emu
DRIVER_DYNAMIC_fb_vesa := yes
define driver_rule
$(B)/bin/$(1): $(call obj,$(wildcard drivers/$(1)/*.c)) $(B)/libdrivers.a $(B)/libmkx.a
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	@$$(CC) $$(if $$(DRIVER_DYNAMIC_$(1)),$$(SANFLAGS),$$(LDFLAGS)) -o $$@ $$^ $$(LIBS) $$(DRIVER_LIBS_$(1)) -lm
endef
$(foreach d,$(DRIVERS),$(eval $(call driver_rule,$(d))))

# Unit tests link core's pieces (not its main) and the component library.
$(B)/tests/%: $(B)/obj/tests/unit/%.o $(B)/obj/tests/unit/harness.o $(B)/libcore.a $(B)/libacpi.a $(B)/libpci.a $(B)/libmkx.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

deps:
	@tools/deps.sh

host-test: deps all
	@B=$(B) SANITIZE=$(SANITIZE) tests/run-host.sh

test: deps all
	@B=$(B) SANITIZE=$(SANITIZE) QEMU_ARGS='$(QEMU_ARGS)' KERNEL_ARGS='$(KERNEL_ARGS)' tests/run-all.sh

host-run: deps all
	$(B)/bin/core --config apps/hello/config.xml --bin-dir $(B)/bin

# run: core's and the components' lines, failure reports and the RESULT; V=1 every serial line.
# The setup (Debian packages, the build) goes to build/run-setup.log, shown if it fails.
run:
	@mkdir -p build; { tools/deps.sh && $(MAKE) -s --no-print-directory all; } > build/run-setup.log 2>&1 || \
	    { tail -30 build/run-setup.log; echo "make run: setup failed (all of it: build/run-setup.log)"; exit 1; }
	@echo "make run: packages and build ready (build/run-setup.log)"
	@B=$(B) python3 run/runner.py $(if $(filter 1,$(V)),--show-all,--show) $(SCENARIO) --qemu-args '$(QEMU_ARGS)' --kernel-args '$(KERNEL_ARGS)'

image: deps all
	@run/kernel.sh >/dev/null && B=$(B) python3 run/image.py $(SCENARIO)

# A USB stick image, BIOS and UEFI, of SCENARIO (default survey): docs/usb.md.
usb: deps all
	@B=$(B) python3 run/usb.py $(if $(filter command line,$(origin SCENARIO)),$(SCENARIO),survey)

bench: deps all
	@B=$(B) run/bench.sh

# Fuzzers (clang's libFuzzer with ASan+UBSan), each run for FUZZ_SECONDS on a
# copy of its checked-in seed corpus (tests/fuzz/corpus/<target>).
.SECONDEXPANSION:
build/fuzz/%: tests/fuzz/%.c $$(FUZZ_SRC_$$*)
	@mkdir -p build/fuzz
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^ $(LIBS)

fuzz-build: deps $(addprefix build/fuzz/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_TARGETS)

# Genode's own components, unmodified, built from a Genode tree against mkx's Genode base
# platform (base/genode/, C++: docs/genode-base.md). Not part of `all`; `make test` builds
# it when the tree is there. Genode's files are compiled where they are, never copied.
GENODE_DIR ?= ../shared/genode
GENODE_B   := build/genode
GENODE_R   := $(GENODE_DIR)/repos
GENODE_INC := -Ibase/genode/include -I$(GENODE_R)/base/src/include \
	-I$(GENODE_R)/base/include/spec/x86_64 -I$(GENODE_R)/base/include/spec/x86 \
	-I$(GENODE_R)/base/include/spec/64bit -I$(GENODE_R)/base/include \
	-I$(GENODE_R)/os/include -I$(GENODE_R)/os/include/spec/x86_64
GENODE_CXXFLAGS := -std=gnu++20 -O2 -g -MMD -MP $(GENODE_INC)
GENODE_LIB_SRC := $(addprefix $(GENODE_R)/base/src/lib/base/,heap.cc allocator_avl.cc avl_tree.cc \
	slab.cc sliced_heap.cc node.cc hid.cc xml_generator.cc output.cc log.cc registry.cc mutex.cc \
	capability.cc signal_common.cc sleep.cc) $(addprefix $(GENODE_R)/base/src/lib/cxx/,raise.cc new_delete.cc)
GENODE_MKX_SRC := $(wildcard base/genode/*.cc)
GENODE_APPS := pci_decode pc_platform nvme block_tester platform_edu platform_edu_irq platform_edu_dma platform_forge signal_server signal_client signal_forge test_platform
GENODE_SRC_pci_decode := $(GENODE_R)/os/src/app/pci_decode/main.cc
GENODE_INC_pci_decode := -I$(GENODE_R)/os/src/app/pci_decode
# Genode's PC platform driver: repos/pc/src/driver/platform/pc/spec/x86_64/target.mk + target.inc
GENODE_PLAT := $(GENODE_R)/os/src/driver/platform
GENODE_SRC_pc_platform := $(addprefix $(GENODE_R)/pc/src/driver/platform/pc/,intel/root_table.cc \
	intel/context_table.cc intel/managed_root_table.cc intel/io_mmu.cc intel/page_table.cc \
	intel/default_mappings.cc intel/invalidator.cc ioapic.cc intel/irq_remap_table.cc) \
	$(addprefix $(GENODE_PLAT)/,device.cc device_component.cc dma_allocator.cc io_mmu.cc \
	irq_controller.cc kernel_io_mmu.cc main.cc page_table_allocator.cc pci.cc root.cc \
	session_component.cc shared_irq.cc)
GENODE_INC_pc_platform := -I$(GENODE_R)/pc/src/driver/platform/pc/spec/x86_64 \
	-I$(GENODE_R)/pc/src/driver/platform/pc -I$(GENODE_PLAT)
# Genode's NVMe driver (repos/os/src/driver/nvme/spec/x86/target.mk + target.inc)
GENODE_SRC_nvme := $(GENODE_R)/os/src/driver/nvme/main.cc $(GENODE_R)/os/src/driver/nvme/spec/x86/dma_buffer.cc
GENODE_INC_nvme := -I$(GENODE_R)/os/src/driver/nvme -I$(GENODE_R)/os/src/driver/nvme/spec/x86
# Genode's block_tester (repos/os/src/app/block_tester/target.mk)
GENODE_SRC_block_tester := $(GENODE_R)/os/src/app/block_tester/main.cc
GENODE_INC_block_tester := -I$(GENODE_R)/os/src/app/block_tester
# Genode's platform API test (repos/os/src/test/platform/target.mk; REQUIRES = arm only for its
# dummy devices' addresses: the host test genode_platform_api_test.sh serves them from core's sim)
GENODE_SRC_test_platform := $(GENODE_R)/os/src/test/platform/main.cc
# base/genode's own Genode test component: a Platform client reading edu's ID register
GENODE_SRC_platform_edu := base/genode/test/platform_edu/main.cc
GENODE_INC_platform_edu := -Wall -Wextra -Werror
# ... and one taking edu's interrupt through the driver (IRQ session, signals to the client)
GENODE_SRC_platform_edu_irq := base/genode/test/platform_edu_irq/main.cc
GENODE_INC_platform_edu_irq := -Wall -Wextra -Werror
# ... and one having edu DMA a buffer of the driver's (alloc_dma_buffer over core's DMA session)
GENODE_SRC_platform_edu_dma := base/genode/test/platform_edu_dma/main.cc
GENODE_INC_platform_edu_dma := -Wall -Wextra -Werror
# ... and an attack test: a Platform client forging capabilities of the driver's objects
GENODE_SRC_platform_forge := base/genode/test/platform_forge/main.cc
GENODE_INC_platform_forge := -Wall -Wextra -Werror
# ... and a server/client pair: signals from a Genode server to its client (host test)
GENODE_SRC_signal_server := base/genode/test/signal_pair/server.cc
GENODE_INC_signal_server := -Wall -Wextra -Werror
GENODE_SRC_signal_client := base/genode/test/signal_pair/client.cc
GENODE_INC_signal_client := -Wall -Wextra -Werror
GENODE_SRC_signal_forge := base/genode/test/signal_pair/forge.cc
GENODE_INC_signal_forge := -Wall -Wextra -Werror -Ibase/include
# an object per tree file, named by its path in the tree (two apps' main.cc stay apart)
gobj = $(foreach f,$(1),$(GENODE_B)/obj/$(subst /,_,$(patsubst $(GENODE_R)/%,%,$(basename $(f)))).o)
define genode_tree_obj
$(call gobj,$(1)): $(1)
	@mkdir -p $$(dir $$@)
	@echo "  C++     $(1)"
	@g++ $$(GENODE_CXXFLAGS) $(2) -c $(1) -o $$@
endef
$(foreach f,$(GENODE_LIB_SRC),$(eval $(call genode_tree_obj,$(f),)))
$(foreach a,$(GENODE_APPS),$(foreach f,$(GENODE_SRC_$(a)),$(eval $(call genode_tree_obj,$(f),$(GENODE_INC_$(a))))))
$(GENODE_B)/obj/mkx/%.o: base/genode/%.cc
	@mkdir -p $(dir $@)
	@echo "  C++     $<"
	@g++ $(GENODE_CXXFLAGS) -Wall -Wextra -Werror -Ibase/include -c $< -o $@
GENODE_BASE_OBJ := $(foreach f,$(GENODE_LIB_SRC),$(call gobj,$(f))) $(patsubst base/genode/%.cc,$(GENODE_B)/obj/mkx/%.o,$(GENODE_MKX_SRC))
$(addprefix $(GENODE_B)/,$(GENODE_APPS)): $(GENODE_B)/%: $$(call gobj,$$(GENODE_SRC_$$*)) $(GENODE_BASE_OBJ) build/out/libmkx.a
	@echo "  LD      $@"
	@g++ -static -o $@ $^ $(LIBS)
.PHONY: genode genode-check
genode-check:
	@test -f $(GENODE_SRC_pci_decode) -a -d $(GENODE_R)/base/include || { echo "make genode: no Genode tree at \
GENODE_DIR=$(GENODE_DIR): it needs a checkout of genodelabs/genode (repos/base, repos/os; e.g. commit ffb059da4d8c), \
make genode GENODE_DIR=/path/to/genode"; exit 1; }
genode: genode-check
	@$(MAKE) -s --no-print-directory B=build/out build/out/libmkx.a $(addprefix $(GENODE_B)/,$(GENODE_APPS))
test: $(if $(wildcard $(GENODE_R)/os/src/app/pci_decode/main.cc),genode)
-include $(shell find $(GENODE_B) -name '*.d' 2>/dev/null)

clean:
	rm -rf build/out build/san build/images

-include $(shell find $(B) -name '*.d' 2>/dev/null)
.SECONDARY:
