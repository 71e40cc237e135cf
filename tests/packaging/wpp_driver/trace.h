/* The driver's WPP control definitions, as a WDK project writes them (no C identifiers here:
 * WPP, or ndishost's .tmh stub, derives them). */
#ifndef WPP_DRIVER_TRACE_H
#define WPP_DRIVER_TRACE_H

#define WPP_CONTROL_GUIDS                                                                                              \
    WPP_DEFINE_CONTROL_GUID(WppDriverGuid, (5D7B2C1A, 1E2F, 4A3B, 9C4D, 112233445566),                                 \
                            WPP_DEFINE_BIT(TRACE_INIT) WPP_DEFINE_BIT(TRACE_HALT))

#endif
